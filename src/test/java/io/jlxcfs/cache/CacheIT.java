package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.jlxcfs.testing.DaemonProcess;
import io.jlxcfs.testing.Exec;
import io.jlxcfs.testing.TestCgroup;

/**
 * What the cache must keep, on a real mount with real cgroups: limits written before a read are
 * in that read (even with a long freshness window), a moved thread sees its new cgroup, and many
 * containers reading at once each get their own buffer.
 */
@Tag("cgroup")
@EnabledIf("io.jlxcfs.testing.TestCgroup#v1MemoryAvailable")
class CacheIT {

    static final Pattern MEMTOTAL = Pattern.compile("MemTotal:\\s+(\\d+) kB");
    static DaemonProcess d;

    @BeforeAll
    static void mount() throws Exception {
        // a long freshness window: anything fresh must come from the cgroup events, not from age
        d = DaemonProcess.start("--freshness-ms", "60000");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (d != null) d.close();
    }

    static long memTotalKb(Path mnt) throws Exception {
        Matcher m = MEMTOTAL.matcher(Files.readString(mnt.resolve("proc/meminfo")));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    /** Runs {@code body} on a fresh thread that first joins {@code cg}. */
    static <T> T inCgroup(TestCgroup cg, java.util.concurrent.Callable<T> body) throws Exception {
        var result = new java.util.concurrent.atomic.AtomicReference<Object>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                cg.addTask(TestCgroup.currentTid());
                result.set(body.call());
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError(e);
        @SuppressWarnings("unchecked")
        T v = (T) result.get();
        return v;
    }

    @Test
    void aLimitWrittenBeforeAReadIsInThatRead() throws Exception {
        try (TestCgroup cg = TestCgroup.memory("limit", 64L << 20)) {
            List<Long> seen = inCgroup(cg, () -> {
                List<Long> out = new ArrayList<>();
                out.add(memTotalKb(d.mountpoint()));
                out.add(memTotalKb(d.mountpoint())); // a hit
                for (long mb : new long[] {48, 96, 32}) {
                    cg.write("memory.limit_in_bytes", Long.toString(mb << 20));
                    out.add(memTotalKb(d.mountpoint()));
                }
                return out;
            });
            assertEquals(List.of(65536L, 65536L, 49152L, 98304L, 32768L), seen);
        }
    }

    /** A container restarted under the same cgroup path (docker restart) gets the new cgroup's limit. */
    @Test
    void aCgroupRecreatedAtTheSamePathGetsItsNewLimit() throws Exception {
        long first;
        try (TestCgroup cg = TestCgroup.memory("again", 64L << 20)) {
            first = inCgroup(cg, () -> memTotalKb(d.mountpoint()));
        }
        try (TestCgroup cg = TestCgroup.memory("again", 32L << 20)) {
            long second = inCgroup(cg, () -> memTotalKb(d.mountpoint()));
            assertEquals(65536, first);
            assertEquals(32768, second);
        }
    }

    /** Kept limits (cpuset.cpus is one) come back on the event a write raises, in the cpuset hierarchy too. */
    @Test
    void aCpusetWrittenBeforeAReadIsInThatRead() throws Exception {
        Path found = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains("cpuset")) found = Path.of("/sys/fs/cgroup/cpuset" + f[2]);
        }
        Path own = found;
        org.junit.jupiter.api.Assumptions.assumeTrue(own != null && Files.isDirectory(own), "needs the v1 cpuset hierarchy");
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs 2 CPUs");
        Path cg = own.resolve("jlxcfs-test-cpuset-" + ProcessHandle.current().pid());
        Files.createDirectories(cg);
        try {
            Files.writeString(cg.resolve("cpuset.mems"), Files.readString(own.resolve("cpuset.mems")).trim());
            Files.writeString(cg.resolve("cpuset.cpus"), "0");
            int[] seen = new int[3];
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Files.writeString(cg.resolve("tasks"), Long.toString(TestCgroup.currentTid()));
                    seen[0] = processors(d.mountpoint());
                    Files.writeString(cg.resolve("cpuset.cpus"), "0-1");
                    seen[1] = processors(d.mountpoint());
                    Files.writeString(cg.resolve("cpuset.cpus"), "1");
                    seen[2] = processors(d.mountpoint());
                    Files.writeString(own.resolve("tasks"), Long.toString(TestCgroup.currentTid()));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.join();
            assertEquals(1, seen[0]);
            assertEquals(2, seen[1]);
            assertEquals(1, seen[2]);
        } finally {
            for (int i = 0; i < 50 && Files.exists(cg); i++) {
                try {
                    Files.delete(cg);
                } catch (java.io.IOException e) {
                    Thread.sleep(20);
                }
            }
        }
    }

    static int processors(Path mnt) throws Exception {
        return (int) Files.readAllLines(mnt.resolve("proc/cpuinfo")).stream().filter(l -> l.startsWith("processor")).count();
    }

    @Test
    void anAncestorsLimitCountsToo() throws Exception {
        try (TestCgroup pod = TestCgroup.memory("pod", 0)) {
            Path child = pod.dir().resolve("ctr");
            Files.createDirectories(child);
            try {
                Files.writeString(child.resolve("memory.limit_in_bytes"), Long.toString(200L << 20));
                long[] seen = new long[2];
                Thread t = Thread.ofPlatform().start(() -> {
                    try {
                        Files.writeString(child.resolve("tasks"), Long.toString(TestCgroup.currentTid()));
                        seen[0] = memTotalKb(d.mountpoint());
                        pod.write("memory.limit_in_bytes", Long.toString(100L << 20));
                        seen[1] = memTotalKb(d.mountpoint());
                        Files.writeString(pod.dir().getParent().resolve("tasks"), Long.toString(TestCgroup.currentTid()));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                t.join();
                assertEquals(204800, seen[0]);
                assertEquals(102400, seen[1]);
            } finally {
                Files.deleteIfExists(child);
            }
        }
    }

    @Test
    void aThreadThatMovesSeesItsNewCgroupOnItsNextOpen() throws Exception {
        try (TestCgroup a = TestCgroup.memory("move-a", 40L << 20); TestCgroup b = TestCgroup.memory("move-b", 80L << 20)) {
            long[] seen = inCgroup(a, () -> {
                long first = memTotalKb(d.mountpoint());
                b.addTask(TestCgroup.currentTid());
                long second = memTotalKb(d.mountpoint());
                return new long[] {first, second};
            });
            assertEquals(40960, seen[0]);
            assertEquals(81920, seen[1]);
        }
    }

    /**
     * In a pid namespace of its own a process gets its init's view; when the init alone moves to
     * another cgroup (a write), the process's next open, by the same pid, gets the new view.
     */
    @Test
    void aContainerWhoseInitMovesGetsTheInitsNewViewAtItsNextOpen() throws Exception {
        try (TestCgroup a = TestCgroup.memory("init-a", 40L << 20); TestCgroup b = TestCgroup.memory("init-b", 80L << 20)) {
            // init (pid 1: sh) runs a reader (pid 2) that opens meminfo itself for each line it is sent
            Path reader = Files.createTempFile("jlxcfs-it-reader", ".sh"), init = Files.createTempFile("jlxcfs-it-init", ".sh");
            Files.writeString(reader, "while read x; do read -r l < " + d.file("proc/meminfo") + "; echo \"$l\"; done\n");
            Files.writeString(init, "sh " + reader + "\ntrue\n");
            Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + a.dir().resolve("cgroup.procs")
                    + " && exec unshare --pid --fork --kill-child sh " + init).redirectErrorStream(true).start();
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
                 var out = new java.io.PrintWriter(p.getOutputStream(), true)) {
                out.println();
                String first = in.readLine();
                out.println();
                String again = in.readLine();
                // the namespace's init: the one child of unshare
                long initPid = Long.parseLong(Files.readString(Path.of("/proc/" + p.pid() + "/task/" + p.pid() + "/children")).trim());
                b.addProcess(initPid);
                out.println();
                String moved = in.readLine();
                assertTrue(first != null && first.matches("MemTotal:\\s+40960 kB"), first);
                assertEquals(first, again);
                assertTrue(moved != null && moved.matches("MemTotal:\\s+81920 kB"), "the init's new cgroup: " + moved);
            } finally {
                p.destroyForcibly().waitFor();
                Files.deleteIfExists(reader);
                Files.deleteIfExists(init);
            }
        }
    }

    @Test
    void manyContainersReadingAtOnceEachGetTheirOwnBuffer() throws Exception {
        int groups = 12, perGroup = 3, reads = 300;
        List<TestCgroup> cgs = new ArrayList<>();
        try {
            for (int i = 0; i < groups; i++) cgs.add(TestCgroup.memory("hammer" + i, (32L + i) << 20));
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            AtomicLong total = new AtomicLong();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < groups; i++) {
                TestCgroup cg = cgs.get(i);
                long expect = (32L + i) << 10;
                for (int j = 0; j < perGroup; j++) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        try {
                            cg.addTask(TestCgroup.currentTid());
                            go.await();
                            for (int k = 0; k < reads; k++) {
                                String s = Files.readString(d.file("proc/meminfo"));
                                Matcher m = MEMTOTAL.matcher(s);
                                if (!m.find() || Long.parseLong(m.group(1)) != expect || !s.endsWith("\n")) {
                                    wrong.add(cg.dir().getFileName() + ": " + s.lines().findFirst().orElse("(empty)"));
                                }
                                total.incrementAndGet();
                            }
                            Files.writeString(cg.dir().getParent().resolve("tasks"), Long.toString(TestCgroup.currentTid()));
                        } catch (Exception e) {
                            wrong.add(e.toString());
                        }
                    }));
                }
            }
            go.countDown();
            for (Thread t : ts) t.join();
            assertEquals(List.of(), List.copyOf(wrong).subList(0, Math.min(5, wrong.size())));
            assertEquals((long) groups * perGroup * reads, total.get());
        } finally {
            for (TestCgroup cg : cgs) cg.close();
        }
    }

    @Test
    void countersAreReadableOutsideTheMount() throws Exception {
        Files.readString(d.file("proc/meminfo"));
        Files.readString(d.file("proc/meminfo"));
        Thread.sleep(1500);
        List<String> cmd = new ArrayList<>(DaemonProcess.javaCommand());
        cmd.addAll(List.of("stats", "--pidfile", d.mountpoint() + ".pid"));
        Exec.Result r = Exec.run(cmd);
        assertEquals(0, r.exit(), r.out());
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode c = j.get("cache");
        for (String k : List.of("hits", "misses", "invalidations", "evictions", "bytes", "entries", "fdsHeld")) {
            assertTrue(c.has(k), k + " in " + r.out());
        }
        assertTrue(c.get("hits").asLong() + c.get("misses").asLong() > 0, r.out());
        assertEquals(d.pid(), j.get("pid").asLong());
        assertTrue(j.get("requests").get("reads").asLong() > 0);
    }
}
