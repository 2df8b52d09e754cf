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
