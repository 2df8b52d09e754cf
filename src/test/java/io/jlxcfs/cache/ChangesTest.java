package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
