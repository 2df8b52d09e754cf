package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** Runs the bench for real against the kernel's files and a reference lxcfs mount this test starts and stops. */
@EnabledIf("canRun")
class BenchIT {

    private static Path mnt;
    private static Process lxcfs;

    static boolean canRun() {
        return Files.isExecutable(Path.of("/usr/bin/lxcfs")) && Files.exists(Path.of("/dev/fuse"))
                && "root".equals(System.getProperty("user.name"));
    }

    @BeforeAll
    static void startLxcfs() throws Exception {
        mnt = Files.createTempDirectory("jlxcfs-bench-it");
        lxcfs = new ProcessBuilder("lxcfs", "-p", mnt + ".pid", mnt.toString())
                .redirectErrorStream(true).redirectOutput(Path.of(mnt + ".log").toFile()).start();
        for (int i = 0; i < 100 && !Files.exists(mnt.resolve("proc/meminfo")); i++) Thread.sleep(50);
        assertTrue(Files.exists(mnt.resolve("proc/meminfo")), "lxcfs did not mount " + mnt);
    }

    @AfterAll
    static void stopLxcfs() throws Exception {
        if (mnt == null) return;
        new ProcessBuilder("fusermount3", "-u", mnt.toString()).inheritIO().start().waitFor();
        if (lxcfs != null) {
            lxcfs.destroy();
            if (!lxcfs.waitFor(5, TimeUnit.SECONDS)) lxcfs.destroyForcibly();
        }
        Files.deleteIfExists(Path.of(mnt + ".pid"));
        Files.deleteIfExists(Path.of(mnt + ".log"));
        Files.deleteIfExists(mnt);
    }

    @Test
    void kernelAndLxcfsSideBySide() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int rc = cl.execute("--json", "--duration", "1", "--rounds", "1", "--threads", "1,2", "--warmup", "20",
                "--files", "proc/meminfo,proc/uptime", "--pid", mnt + "=" + lxcfs.pid(), "--baseline", "/", "/", mnt.toString());
        assertEquals(0, rc, err.toString());
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        JsonNode rows = doc.get("rows");
        assertEquals(2 * 2 * 2, rows.size());
        for (JsonNode r : rows) {
            assertTrue(r.get("reads").asLong() > 0, r.toString());
            assertTrue(r.get("readsPerSec").asDouble() > 0, r.toString());
            double p50 = r.get("p50Us").asDouble(), p99 = r.get("p99Us").asDouble(), max = r.get("maxUs").asDouble();
            assertTrue(p50 > 0 && p50 <= r.get("p90Us").asDouble() && r.get("p90Us").asDouble() <= p99
                    && p99 <= r.get("p999Us").asDouble() && r.get("p999Us").asDouble() <= max * 1.001, r.toString());
            assertTrue(r.get("bytesPerRead").asDouble() > 0, r.toString());
            boolean isLxcfs = r.get("root").asText().equals(mnt.toString());
            assertEquals(isLxcfs, !r.get("serverCpuUsPerRead").isNull(), r.toString());
            if (isLxcfs) assertTrue(r.get("serverRssKb").asLong() > 0, r.toString());
        }
        assertEquals(4, doc.get("ratios").size());
        assertFalse(err.toString().contains("bench ["), "progress is quiet with --json");
        assertFalse(Files.exists(ownMemoryCgroup().resolve("jlxcfs-bench-" + ProcessHandle.current().pid())), "cgroup removed");
    }

    @Test
    void readersSitInCgroupsOfTheirOwnInEveryContainerHierarchy() throws Exception {
        // each reader reads its own /proc/thread-self/cgroup: its length says where the thread sits
        String self = Files.readString(Path.of("/proc/self/cgroup"));
        String made = "/jlxcfs-bench-" + ProcessHandle.current().pid();
        long expected = 0;
        for (String line : self.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            boolean ours = java.util.Arrays.stream(f[1].split(","))
                    .anyMatch(c -> c.equals("memory") || BenchCgroup.OTHERS.contains(c));
            String path = ours ? (f[2].equals("/") ? "" : f[2]) + made : f[2];
            expected += f[0].length() + f[1].length() + path.length() + 3;
        }
        JsonNode row = json("--duration", "0.2", "--rounds", "1", "--threads", "1", "--warmup", "5",
                "--files", "proc/thread-self/cgroup", "/").get("rows").get(0);
        assertEquals(expected, row.get("bytesPerRead").asDouble(), 0.0, row.toString());
        for (String ctl : new String[] {"memory", "cpu", "cpuacct", "cpuset", "blkio"}) {
            String p = BenchCgroup.ownPath(self, ctl);
            Path dir = Path.of("/sys/fs/cgroup", BenchCgroup.hierarchyName(self, ctl)).resolve(p.substring(1)).resolve(made.substring(1));
            assertFalse(Files.exists(dir), dir + " removed");
        }
    }

    @Test
    void fleetModeRunsEachReaderInACgroupOfItsOwn() throws Exception {
        JsonNode rows = json("--duration", "0.3", "--rounds", "2", "--threads", "1", "--fleet", "3",
                "--files", "proc/meminfo", mnt.toString()).get("rows");
        assertEquals(1, rows.size());
        assertEquals(3, rows.get(0).get("threads").asInt());
        assertTrue(rows.get(0).get("fleet").asBoolean());
        assertTrue(rows.get(0).get("reads").asLong() > 0);
    }

    @Test
    void intervalPacesEachReaderAndIsRecorded() throws Exception {
        JsonNode doc = json("--duration", "1", "--interval", "50", "--rounds", "1", "--threads", "2",
                "--warmup", "5", "--files", "proc/meminfo", "--pid", mnt + "=" + lxcfs.pid(), mnt.toString());
        assertEquals(50.0, doc.get("settings").get("intervalMs").asDouble());
        JsonNode row = doc.get("rows").get(0);
        // two readers, one read each 50 ms for 1 s: 20 ticks each; a late tick is read at once, not skipped
        long reads = row.get("reads").asLong();
        assertTrue(reads <= 40 && reads >= 30, row.toString());
        assertTrue(row.get("readsPerSec").asDouble() < 45, row.toString());

        CommandLine bad = new CommandLine(new BenchCommand());
        bad.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, bad.execute("--duration", "1", "--interval", "1000", "/"), "an interval as long as the run is refused");
    }

    /** Runs the bench with {@code --json} and these arguments; it must succeed. */
    private static JsonNode json(String... args) throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "--json";
        System.arraycopy(args, 0, all, 1, args.length);
        assertEquals(0, cl.execute(all), err.toString());
        return new ObjectMapper().readTree(out.toString());
    }

    private static Path ownMemoryCgroup() throws Exception {
        String p = BenchCgroup.ownPath(Files.readString(Path.of("/proc/self/cgroup")), "memory");
        return Path.of("/sys/fs/cgroup/memory").resolve(p.substring(1));
    }
}
