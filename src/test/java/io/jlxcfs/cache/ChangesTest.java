package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangesTest {

    /** One mount point per cgroup superblock (a bind mount of a hierarchy is the same one), nothing else. */
    @Test
    void cgroupMountsAreTakenOncePerSuperblock(@TempDir Path dir) throws Exception {
        Path mi = dir.resolve("mountinfo");
        Files.writeString(mi, String.join("\n",
                "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw",
                "26 22 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
                "27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate",
                "31 26 0:29 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory",
                "32 26 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct",
                "90 28 0:29 /kubepods /var/lib/with\\040space rw,relatime - cgroup cgroup rw,memory",
                "91 28 0:55 / /tmp/jl rw,nosuid,nodev,relatime - fuse.jlxcfs jlxcfs rw,user_id=0,group_id=0",
                "garbage line") + "\n");
        assertEquals(List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup/memory"),
                Path.of("/sys/fs/cgroup/cpu,cpuacct")), Changes.cgroupMounts(mi));
        assertEquals(List.of(), Changes.cgroupMounts(dir.resolve("absent")));
    }

    @Test
    void mountinfoEscapesAreUndone() {
        assertEquals("/var/lib/with space", Changes.unescape("/var/lib/with\\040space"));
        assertEquals("/a\\b", Changes.unescape("/a\\134b"));
        assertEquals("/plain", Changes.unescape("/plain"));
        assertEquals("/trailing\\04", Changes.unescape("/trailing\\04"));
    }

    /** Only a write to a task file can move a task; a file that cannot be named counts as one. */
    @Test
    void onlyTaskFilesMoveTasks(@TempDir Path dir) throws Exception {
        for (String name : new String[] {"cgroup.procs", "tasks", "cgroup.threads", "memory.limit_in_bytes", "cpu.max"}) {
            Path f = java.nio.file.Files.writeString(dir.resolve(name), "");
            int fd = openFd(f);
            try {
                assertEquals(name.contains("procs") || name.equals("tasks") || name.contains("threads"),
                        Changes.movesTasks(fd), name);
                java.nio.file.Files.delete(f);
                assertEquals(name.contains("procs") || name.equals("tasks") || name.contains("threads"),
                        Changes.movesTasks(fd), name + ", deleted");
            } finally {
                try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                    io.jlxcfs.bindings.libc.libc_h.close(io.jlxcfs.bindings.libc.libc_h.callState(a), fd);
                }
            }
        }
        assertTrue(Changes.movesTasks(987_654), "no such descriptor: taken for a move");
    }

    private static int openFd(Path f) {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            return io.jlxcfs.bindings.libc.libc_h.open(io.jlxcfs.bindings.libc.libc_h.callState(a),
                    a.allocateFrom(f.toString()), 0x80000, 0);
        }
    }
}
