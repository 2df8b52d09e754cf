package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.jlxcfs.cache.OpenFiles;
import io.jlxcfs.os.CgroupStats;

/**
 * The kernel's per-cgroup task counts (taskstats netlink) on real v1 cgroups. Only the running
 * count is exact on current kernels: cgroupstats compares whole state words, so sleeps marked
 * freezable (nanosleep since 6.1) are in no bucket.
 */
class CgroupStatsTest {

    private static long lines(Path f) throws Exception {
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
    }

    private static void awaitTasks(Path dir, long n) throws Exception {
        for (int i = 0; i < 200 && lines(dir.resolve("tasks")) < n; i++) Thread.sleep(20);
        assertEquals(n, lines(dir.resolve("tasks")), dir + " tasks");
    }

    private static final String BUSY = "(while :; do :; done) & ";

    @Test
    void countsTheRunningTasksOfACgroupAndItsSubtree() throws Exception {
        assumeTrue(TestCgroups.available("cpu"), "needs a writable v1 cpu cgroup");
        assumeTrue(CgroupStats.available(), "taskstats netlink not available here");
        try (TestCgroups cgs = new TestCgroups()) {
            Path a = cgs.create("cpu", "stats");
            Path b = cgs.createChild(a, "child");
            // a: three busy loops and two sleepers under a waiting shell; a/child: one of each
            cgs.start("exec sh -c '" + BUSY + BUSY + BUSY + "sleep 600 & sleep 600 & wait'", a);
            cgs.start("exec sh -c '" + BUSY + "sleep 600 & wait'", b);
            awaitTasks(a, 6);
            awaitTasks(b, 3);
            Thread.sleep(200); // let the sleepers reach their sleep
            CgroupStats.Counts own = CgroupStats.of(a);
            assertNotNull(own);
            assertEquals(3, own.running(), "busy loops run (preempted or not): " + own);
            CgroupStats.Counts all = CgroupStats.subtree(a);
            assertNotNull(all);
            assertEquals(4, all.running(), "a and its child: " + all);
            assertEquals(1, CgroupStats.subtree(b).running(), "a leaf is its own subtree");
        }
    }

    @Test
    void answersNullForWhatIsNotAV1Cgroup() {
        assumeTrue(CgroupStats.available(), "taskstats netlink not available here");
        assertNull(CgroupStats.of(Path.of("/tmp")), "not a cgroup");
        assertNull(CgroupStats.of(Path.of("/nonexistent-" + ProcessHandle.current().pid())));
        Path unified = Path.of("/sys/fs/cgroup/unified");
        if (Files.isDirectory(unified)) assertNull(CgroupStats.of(unified), "cgroup2: the kernel refuses");
    }

    @Test
    void keptDirectoryDescriptorsCountTheSameSeeAChildAppearAndGoWithTheCgroup() throws Exception {
        assumeTrue(TestCgroups.available("cpu"), "needs a writable v1 cpu cgroup");
        assumeTrue(CgroupStats.available(), "taskstats netlink not available here");
        OpenFiles files = new OpenFiles(Path.of("/proc"), 64);
        try (TestCgroups cgs = new TestCgroups()) {
            Path a = cgs.create("cpu", "kept");
            cgs.start("exec sh -c '" + BUSY + BUSY + "wait'", a);
            awaitTasks(a, 3);
            assertEquals(2, CgroupStats.subtree(files, a).running());
            int held = files.held();
            assertEquals(2, CgroupStats.subtree(files, a).running(), "again through the kept descriptor");
            assertEquals(held, files.held(), "nothing opened again");

            Path b = cgs.createChild(a, "child");
            cgs.start("exec sh -c '" + BUSY + "wait'", b);
            awaitTasks(b, 2);
            assertEquals(3, CgroupStats.subtree(files, a).running(), "a child made after the first count is counted");

            for (Process p : java.util.List.copyOf(cgs.procs())) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.onExit().join();
            }
            for (int i = 0; i < 100 && (lines(a.resolve("tasks")) > 0 || lines(b.resolve("tasks")) > 0); i++) Thread.sleep(20);
            Files.delete(b);
            Files.delete(a);
            CgroupStats.Counts gone = CgroupStats.subtree(files, a);
            assertTrue(gone == null || gone.total() == 0, "a removed cgroup has nothing to count, even through a kept descriptor: " + gone);
            files.forget(a);
            assertEquals(0, files.held(), "forgetting the cgroup closes its descriptors");
        } finally {
            files.close();
        }
    }
}
