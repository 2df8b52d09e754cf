package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import io.jlxcfs.testing.TestCgroup;

import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.Snapshot;
import io.jlxcfs.vfs.VirtualFile;

/** The cache as the daemon builds it, on this host's real /proc and cgroups, for this process. */
class ViewCacheTest {

    @Test
    void aKnownCallerIsCheckedWithItsKeptFileAloneAndAHitReadsNothingElse() {
        OpenFiles files = files();
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = cache(files)) {
            Snapshot first = cache.snapshot(VirtualFile.PROC_MEMINFO, pid);
            first.release();
            long reads = files.reads.sum();
            for (int i = 0; i < 3; i++) cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats s = cache.stats();
            assertEquals(1, s.misses(), s.toString());
            assertEquals(3, s.hits(), s.toString());
            assertEquals(reads, files.reads.sum(), "hits read no file through the cache's files");
            assertEquals(1, s.callers(), s.toString());
            assertTrue(s.fdsHeld() > 0, s.toString());
            if (root()) {
                // fanotify on the cgroup filesystems and a pidfd prove the caller in place
                assertEquals(3, s.callersProven(), s.toString());
                assertEquals(0, s.callerReads(), s.toString());
            }
        }
    }

    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    static OpenFiles files() {
        return new OpenFiles(ViewConfig.defaults().procRoot(), 4096);
    }

    /** As the daemon builds it, with a 60 s window: anything fresh must come from the events. */
    static ViewCache cache(OpenFiles files) {
        return cache(files, Changes.cgroupMounts(Path.of("/proc/self/mountinfo")));
    }

    static ViewCache cache(OpenFiles files, List<Path> cgroupMounts) {
        return new ViewCache(new Views(ViewConfig.defaults(), files), files, Path.of("/proc"), 60_000_000_000L,
                64L << 20, System::nanoTime, cgroupMounts, new Hotplug(Path.of("/sys"), 60_000_000_000L, System::nanoTime),
                CPUSET_V1);
    }

    /** As the daemon builds it, on a clock the test moves, watching these files for hotplugs. */
    static ViewCache sampled(OpenFiles files, long window, java.util.concurrent.atomic.AtomicLong clock, List<Path> hotplug) {
        return sampled(files, window, clock, hotplug, Path.of("/proc"));
    }

    /** The same, with the callers' kept files (cgroup, cpuset) taken from {@code procRoot}. */
    static ViewCache sampled(OpenFiles files, long window, java.util.concurrent.atomic.AtomicLong clock, List<Path> hotplug,
                             Path procRoot) {
        return new ViewCache(new Views(ViewConfig.defaults(), files), files, procRoot, window, 64L << 20,
                clock::get, Changes.cgroupMounts(Path.of("/proc/self/mountinfo")), new Hotplug(hotplug, window, clock::get),
                CPUSET_V1);
    }

    /** Whether this host mounts cpuset as a v1 hierarchy (here: yes). */
    static final boolean CPUSET_V1 = Hotplug.cpusetOnV1(Path.of("/proc"));

    /** Without the move proof (no fanotify: not root, or none of it here) every open reads the caller's cgroup file. */
    @Test
    void withoutFanotifyEveryOpenRereadsTheCallersCgroupFile() {
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = cache(files(), List.of())) {
            for (int i = 0; i < 4; i++) cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats s = cache.stats();
            assertEquals(3, s.hits(), s.toString());
            assertEquals(0, s.callersProven(), s.toString());
            assertEquals(3, s.callerReads(), s.toString());
        }
    }

    /**
     * Past its freshness window a sampler's caller is still proven in place without a read while
     * no cgroup file is written and the online CPU and memory-node sets stay the same (a 1 Hz
     * agent's every read is past a 10 ms window); a hotplug makes callers read again.
     */
    @Test
    @EnabledIf("root")
    void pastTheWindowACallerIsProvenUntilAHotplug(@org.junit.jupiter.api.io.TempDir Path sys) throws Exception {
        Path online = sys.resolve("online"), nodes = sys.resolve("has_memory");
        java.nio.file.Files.writeString(online, "0-1\n");
        java.nio.file.Files.writeString(nodes, "0\n");
        var clock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        long window = 10_000_000L, second = 1_000_000_000L;
        OpenFiles files = files();
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = sampled(files, window, clock, List.of(online, nodes))) {
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release(); // resolved: read
            clock.addAndGet(3 * second);
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release(); // within the start's grace: read
            long reads = cache.stats().callerReads();
            for (int i = 0; i < 5; i++) {
                clock.addAndGet(second); // a 1 Hz sampler: every open is past the window, and a miss
                cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            }
            ViewCache.Stats s = cache.stats();
            assertEquals(reads, s.callerReads(), "no hotplug, no cgroup write: proven without a read " + s);
            assertTrue(s.callersProven() >= 5, s.toString());
            assertEquals(7, s.misses(), s.toString());

            java.nio.file.Files.writeString(online, "0\n"); // CPU 1 went offline
            clock.addAndGet(second);
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            s = cache.stats();
            if (CPUSET_V1) {
                // no cgroup write: only a cpuset move is possible, and the cpuset file alone tells
                assertEquals(1, s.callerCpusetReads(), "a hotplug makes the caller's cpuset read again " + s);
                assertEquals(reads, s.callerReads(), s.toString());
            } else {
                assertEquals(reads, s.callerReads(), "cgroup v2 moves nothing on a hotplug " + s);
            }
        }
    }

    /**
     * With a window of 0 (every read re-reads the counters) a caller no cgroup write moved is
     * checked by its cpuset file alone where cpuset is a v1 hierarchy, and by nothing elsewhere:
     * its whole cgroup file is read only to resolve it and once to keep the cpuset file.
     */
    @Test
    @EnabledIf("root")
    void withAZeroWindowAKnownCallerReadsOnlyItsCpusetFile() {
        var clock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = sampled(files(), 0, clock, List.of(Path.of("/sys/devices/system/cpu/online")))) {
            for (int i = 0; i < 6; i++) {
                clock.addAndGet(1_000_000L);
                cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            }
            ViewCache.Stats s = cache.stats();
            assertEquals(6, s.misses(), s.toString());
            assertEquals(1, s.callersResolved(), s.toString());
            if (CPUSET_V1) {
                assertEquals(1, s.callerReads(), "the check that keeps the cpuset file " + s);
                assertEquals(4, s.callerCpusetReads(), s.toString());
            } else {
                assertEquals(5, s.callersProven(), s.toString());
            }
        }
    }

    /**
     * A kept cpuset file that reads differently (what a hotplug's move does, without any cgroup
     * write) makes the caller's whole cgroup file read again. The test serves the caller's cpuset
     * file from a copy it then changes; its cgroup file is the real one.
     */
    @Test
    @EnabledIf("root")
    void aChangedCpusetFileMakesTheCallersCgroupFileReadAgain(@org.junit.jupiter.api.io.TempDir Path proc) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(CPUSET_V1, "cpuset is not a v1 hierarchy here");
        int pid = (int) ProcessHandle.current().pid();
        Path dir = java.nio.file.Files.createDirectories(proc.resolve(String.valueOf(pid)));
        java.nio.file.Files.createSymbolicLink(dir.resolve("cgroup"), Path.of("/proc/" + pid + "/cgroup"));
        Path cpuset = dir.resolve("cpuset");
        java.nio.file.Files.writeString(cpuset, java.nio.file.Files.readString(Path.of("/proc/" + pid + "/cpuset")));
        var clock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        try (ViewCache cache = sampled(files(), 0, clock, List.of(Path.of("/sys/devices/system/cpu/online")), proc)) {
            for (int i = 0; i < 4; i++) cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats s = cache.stats();
            assertEquals(1, s.callerReads(), s.toString());
            assertEquals(2, s.callerCpusetReads(), s.toString());

            java.nio.file.Files.writeString(cpuset, "/elsewhere\n");
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            s = cache.stats();
            assertEquals(2, s.callerReads(), "the cpuset file changed: the cgroup file decides " + s);
            assertEquals(2, s.callerCpusetReads(), s.toString());
        }
    }

    @Test
    void theCpusetLineIsFoundAloneOrAmongOtherControllers() {
        assertEquals("/a/b\n", new String(CallerCache.cpusetLine("5:memory:/x\n3:cpuset:/a/b\n0::/\n".getBytes())));
        assertEquals("/\n", new String(CallerCache.cpusetLine("2:cpu,cpuset:/\n".getBytes())));
        assertEquals(null, CallerCache.cpusetLine("0::/user.slice\n".getBytes()));
        assertEquals(null, CallerCache.cpusetLine("4:cpusetx:/a\ngarbage\n".getBytes()));
    }

    /**
     * A process in a pid namespace of its own (its view is its init's) is resolved once and then
     * proven in place like any other caller, opening nothing however many seconds it reads for.
     */
    @Test
    @EnabledIf("root")
    void aCallerInItsOwnPidNamespaceIsResolvedOnce(@org.junit.jupiter.api.io.TempDir Path sys) throws Exception {
        java.nio.file.Files.writeString(sys.resolve("online"), "0-1\n");
        var clock = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        long window = 10_000_000L, second = 1_000_000_000L;
        // pid 1 of the namespace is sh; its child sleep is the caller
        Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--kill-child", "sh", "-c", "sleep 60; true").start();
        OpenFiles files = files();
        try (ViewCache cache = sampled(files, window, clock, List.of(sys.resolve("online")))) {
            int caller = -1;
            for (int i = 0; i < 200 && caller < 0; i++) {
                Thread.sleep(10);
                var init = p.children().findFirst();
                var sleep = init.flatMap(h -> h.children().findFirst());
                if (sleep.isPresent()) caller = (int) sleep.get().pid();
            }
            assertTrue(caller > 0, "no caller in the namespace");
            cache.snapshot(VirtualFile.PROC_MEMINFO, caller).release();
            for (int i = 0; i < 6; i++) {
                clock.addAndGet(second);
                cache.snapshot(VirtualFile.PROC_MEMINFO, caller).release();
            }
            ViewCache.Stats s = cache.stats();
            assertEquals(1, s.callersResolved(), s.toString());
            assertTrue(s.callersProven() >= 4, "proven past the start's grace: " + s);
            assertEquals(1, s.callers(), s.toString());
            assertEquals(CPUSET_V1 ? 5 : 3, s.fdsHeld() - files.held(),
                    "its cgroup file, its init's, its pidfd (and both cpuset files past the window): " + s);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** Callers kept: a tenth of the open-files limit (five descriptors each at most), within 1024..65,536. */
    @Test
    void theCallerCapFollowsTheOpenFilesLimit() {
        assertEquals(1024, ViewCache.callerCap(1024));
        assertEquals(2000, ViewCache.callerCap(20_000));
        assertEquals(52_428, ViewCache.callerCap(524_288)); // the unit's LimitNOFILE
        assertEquals(65_536, ViewCache.callerCap(1L << 20));
        assertTrue(OpenFiles.fdLimit() >= 1024, "this process's limit: " + OpenFiles.fdLimit());
    }

    /** A caller that exits is dropped as soon as its pidfd says so: its pid may be handed out again. */
    @Test
    @EnabledIf("root")
    void aCallerThatExitsIsDroppedAtTheNextOpen() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        try (ViewCache cache = cache(files())) {
            Process child = new ProcessBuilder("sleep", "60").start();
            try {
                cache.snapshot(VirtualFile.PROC_MEMINFO, (int) child.pid()).release();
                cache.snapshot(VirtualFile.PROC_MEMINFO, self).release();
                assertEquals(2, cache.stats().callers(), cache.stats().toString());
            } finally {
                child.destroy();
                child.waitFor();
            }
            // the next open (anyone's) sees the pidfd and forgets the child, descriptors and all
            cache.snapshot(VirtualFile.PROC_MEMINFO, self).release();
            ViewCache.Stats s = cache.stats();
            assertEquals(1, s.callers(), s.toString());
        }
    }

    /**
     * A caller moved to another cgroup (a write to that cgroup's tasks file) is checked again at
     * its next open and gets the new cgroup's view, however long its freshness window.
     */
    @Test
    @EnabledIf("io.jlxcfs.testing.TestCgroup#v1MemoryAvailable")
    void aCallerMovedByACgroupWriteGetsItsNewViewAtTheNextOpen() throws Exception {
        try (ViewCache cache = cache(files());
             TestCgroup a = TestCgroup.memory("vc-move-a", 40L << 20);
             TestCgroup b = TestCgroup.memory("vc-move-b", 80L << 20)) {
            var seen = new java.util.concurrent.atomic.AtomicReference<Object>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    int tid = (int) TestCgroup.currentTid();
                    a.addTask(tid);
                    String first = new String(cache.render(VirtualFile.PROC_MEMINFO, tid));
                    String again = new String(cache.render(VirtualFile.PROC_MEMINFO, tid));
                    b.addTask(tid);
                    String moved = new String(cache.render(VirtualFile.PROC_MEMINFO, tid));
                    seen.set(new String[] {first, again, moved});
                } catch (Throwable e) {
                    seen.set(e);
                }
            });
            t.join();
            if (seen.get() instanceof Throwable e) throw new AssertionError(e);
            String[] r = (String[]) seen.get();
            assertTrue(r[0].startsWith("MemTotal:          40960 kB"), r[0]);
            assertEquals(r[0], r[1]);
            assertTrue(r[2].startsWith("MemTotal:          81920 kB"), r[2]);
            ViewCache.Stats s = cache.stats();
            if (root()) assertTrue(s.cgroupWrites() >= 1 && s.callersProven() >= 1, s.toString());
        }
    }

    /**
     * A write to a limit file is seen by fanotify too, but moves no task: callers stay proven
     * (the limit itself reaches the views through inotify), where a write to a task file makes
     * them check again.
     */
    @Test
    @EnabledIf("io.jlxcfs.testing.TestCgroup#v1MemoryAvailable")
    void aLimitWriteMakesNoCallerCheckAgainATaskFileWriteDoes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(root(), "fanotify needs CAP_SYS_ADMIN");
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = cache(files()); TestCgroup other = TestCgroup.memory("vc-limit-write", 40L << 20)) {
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats before = cache.stats();
            other.write("memory.limit_in_bytes", String.valueOf(50L << 20));
            cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats after = cache.stats();
            assertTrue(after.cgroupWrites() > before.cgroupWrites(), "the write was seen: " + after);
            assertEquals(before.callerReads(), after.callerReads(), "no task moved: " + after);

            Process p = new ProcessBuilder("sleep", "60").start();
            try {
                other.addProcess(p.pid()); // a task file write: every caller checks once
                cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
                assertEquals(after.callerReads() + 1, cache.stats().callerReads(), cache.stats().toString());
            } finally {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
