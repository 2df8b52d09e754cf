package io.jlxcfs.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.cgroup.CgroupFs;

class ProcReaderTest {

    private static String cpus(int... n) {
        StringBuilder sb = new StringBuilder();
        for (int c : n) sb.append("processor\t: ").append(c).append("\ncpu MHz\t\t: 2000.000\n\n");
        return sb.toString();
    }

    @Test
    void cpuinfoIsKeptASecondWhileTheOnlineCpusStayTheSame(@TempDir Path proc) throws IOException {
        AtomicLong now = new AtomicLong(5);
        ProcReader r = new ProcReader(proc, new CgroupFs(), now::get);
        Files.writeString(proc.resolve("cpuinfo"), cpus(0, 1));
        HostCpuinfo first = r.cpuinfo("0-1\n");
        assertArrayEquals(new int[] {0, 1}, first.cpuNumbers());

        Files.writeString(proc.resolve("cpuinfo"), cpus(0, 1, 2));
        now.addAndGet(ProcReader.CPUINFO_MAX_AGE_NANOS - 1);
        assertSame(first, r.cpuinfo("0-1\n"), "neither a second nor a hotplug passed");
        assertArrayEquals(new int[] {0, 1, 2}, r.cpuinfo("0-2\n").cpuNumbers(), "a hotplug reads it at once");

        Files.writeString(proc.resolve("cpuinfo"), cpus(0, 2));
        HostCpuinfo kept = r.cpuinfo("0-2\n");
        assertArrayEquals(new int[] {0, 1, 2}, kept.cpuNumbers());
        now.addAndGet(ProcReader.CPUINFO_MAX_AGE_NANOS);
        assertArrayEquals(new int[] {0, 2}, r.cpuinfo("0-2\n").cpuNumbers(), "after a second it is read again");
    }

    @Test
    void withoutAnOnlineListOnlyTheAgeCountsAndAMissingFileIsNull(@TempDir Path proc) throws IOException {
        AtomicLong now = new AtomicLong();
        ProcReader r = new ProcReader(proc, new CgroupFs(), now::get);
        assertNull(r.cpuinfo(null));
        Files.writeString(proc.resolve("cpuinfo"), cpus(3));
        HostCpuinfo a = r.cpuinfo(null);
        assertArrayEquals(new int[] {3}, a.cpuNumbers());
        Files.delete(proc.resolve("cpuinfo"));
        assertSame(a, r.cpuinfo(null));
        now.addAndGet(ProcReader.CPUINFO_MAX_AGE_NANOS);
        assertNull(r.cpuinfo(null), "gone: the host file fallback, not a stale text forever");
    }
}
