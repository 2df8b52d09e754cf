package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class BenchCgroupTest {

    private static final String HYBRID = "9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/\n";

    @Test
    void ownPaths() {
        assertEquals("/process_api/abc", BenchCgroup.ownPath(HYBRID, "memory"));
        assertEquals("/x", BenchCgroup.ownPath(HYBRID, "cpuacct"));
        assertEquals("/", BenchCgroup.ownPath(HYBRID, ""));
        assertNull(BenchCgroup.ownPath("0::/user.slice/a.scope\n", "memory"));
        assertEquals("/user.slice/a.scope", BenchCgroup.ownPath("0::/user.slice/a.scope\n", ""));
    }

    @Test
    void aReaderGetsACgroupInEachOtherHierarchyOnceCoMountedOnesTogether(@org.junit.jupiter.api.io.TempDir Path fs)
            throws Exception {
        Files.createDirectories(fs.resolve("cpu,cpuacct/x"));
        Files.createDirectories(fs.resolve("cpuset"));
        // blkio is in /proc/self/cgroup but not mounted here: skipped
        String self = HYBRID + "3:cpuset:/\n7:blkio:/b\n";
        var trees = BenchCgroup.otherTrees(self, "jlxcfs-bench-1", fs);
        assertEquals(2, trees.size(), trees.toString());
        assertEquals(new BenchCgroup.Tree("cpu,cpuacct", fs.resolve("cpu,cpuacct/x"), fs.resolve("cpu,cpuacct/x/jlxcfs-bench-1")),
                trees.get(0));
        assertEquals(new BenchCgroup.Tree("cpuset", fs.resolve("cpuset"), fs.resolve("cpuset/jlxcfs-bench-1")), trees.get(1));
        assertEquals("cpu,cpuacct", BenchCgroup.hierarchyName(self, "cpuacct"));
        assertNull(BenchCgroup.hierarchyName(self, "pids"));
    }

    @Test
    void threadIdsAreThisProcessesTasksAndDifferPerThread() throws Exception {
        String mine = BenchCgroup.currentTid();
        assertTrue(Files.isDirectory(Path.of("/proc", Long.toString(ProcessHandle.current().pid()), "task", mine)));
        String[] other = new String[1];
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                other[0] = BenchCgroup.currentTid();
            } catch (java.io.IOException e) {
                other[0] = e.toString();
            }
        });
        t.join();
        assertNotEquals(mine, other[0]);
        Long.parseLong(other[0]);
    }
}
