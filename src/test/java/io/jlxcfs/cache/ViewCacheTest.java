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
                64L << 20, System::nanoTime, cgroupMounts, new Hotplug(Path.of("/sys"), 60_000_000_000L, System::nanoTime));
    }

    /** As the daemon builds it, on a clock the test moves, watching these files for hotplugs. */
    static ViewCache sampled(OpenFiles files, long window, java.util.concurrent.atomic.AtomicLong clock, List<Path> hotplug) {
        return new ViewCache(new Views(ViewConfig.defaults(), files), files, Path.of("/proc"), window, 64L << 20,
                clock::get, Changes.cgroupMounts(Path.of("/proc/self/mountinfo")), new Hotplug(hotplug, window, clock::get));
    }

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
            assertEquals(reads + 1, cache.stats().callerReads(), "a hotplug makes the caller read again");
        }
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
            assertEquals(3, s.fdsHeld() - files.held(), "its cgroup file, its init's and its pidfd: " + s);
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    /** Callers kept: a sixth of the open-files limit (three descriptors each at most), within 1024..65,536. */
    @Test
    void theCallerCapFollowsTheOpenFilesLimit() {
        assertEquals(1024, ViewCache.callerCap(1024));
        assertEquals(3333, ViewCache.callerCap(20_000));
        assertEquals(65_536, ViewCache.callerCap(524_288)); // the unit's LimitNOFILE
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
}
