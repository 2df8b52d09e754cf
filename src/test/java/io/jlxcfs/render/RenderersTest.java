package io.jlxcfs.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.jlxcfs.cgroup.CpuStats;
import io.jlxcfs.cgroup.MemoryStats;
import io.jlxcfs.cgroup.Values;
import io.jlxcfs.host.HostMeminfo;

class RenderersTest {

    static final HostMeminfo HOST = HostMeminfo.parse("MemTotal:       24684092 kB\nMemFree:        1 kB\nSwapTotal:       1048576 kB\n");

    static MemoryStats v1(long limit, long usage, long memswLimit, long memswUsage, int swappiness) {
        return new MemoryStats(false, limit, usage, memswLimit, memswUsage, swappiness, false,
                Map.of("total_rss_huge", 4L << 20, "total_rss", 8L << 20, "total_mapped_file", 1L << 20));
    }

    @Test
    void meminfoLineHasTheKernelsColumns() {
        StringBuilder sb = new StringBuilder();
        MeminfoRenderer.line(sb, "MemTotal", 51200);
        MeminfoRenderer.line(sb, "ShmemPmdMapped", 0);
        MeminfoRenderer.line(sb, "MemTotal", 123456789);
        assertEquals("MemTotal:          51200 kB\nShmemPmdMapped:        0 kB\nMemTotal:       123456789 kB\n", sb.toString());
    }

    @Test
    void exactKeysGiveAnonHugePagesAndMappedOnV1() {
        var v = MeminfoRenderer.values(HOST, v1(1L << 30, 1L << 20, -1, -1, 60), true, true);
        assertEquals(4096, v.get("AnonHugePages"));
        assertEquals(1024, v.get("Mapped"));
    }

    @Test
    void memoryPolicies() {
        assertEquals(1048576, MemoryPolicy.memTotalKb(v1(1L << 30, 0, -1, -1, 60), HOST));
        assertEquals(24684092, MemoryPolicy.memTotalKb(v1(Values.UNLIMITED, 0, -1, -1, 60), HOST));
        assertEquals(24684092, MemoryPolicy.memTotalKb(v1(1L << 50, 0, -1, -1, 60), HOST));
        assertEquals(0, MemoryPolicy.memFreeKb(v1(1L << 20, 2L << 20, -1, -1, 60), HOST), "no underflow");
        // no swap accounting, -u, swappiness 0, host clamp
        assertEquals(0, MemoryPolicy.swapTotalKb(v1(1L << 30, 0, -1, -1, 60), HOST, true));
        assertEquals(0, MemoryPolicy.swapTotalKb(v1(1L << 30, 0, 2L << 30, 0, 60), HOST, false));
        assertEquals(1048576, MemoryPolicy.swapTotalKb(v1(1L << 30, 0, 2L << 30, 0, 60), HOST, true));
        assertEquals(1048576, MemoryPolicy.swapTotalKb(v1(1L << 30, 0, Values.UNLIMITED, 0, 60), HOST, true));
        assertEquals(524288, MemoryPolicy.swapTotalKb(v1(1L << 28, 0, 1L << 29, 0, 60), HOST, true));
        MemoryStats swapped = v1(1L << 28, 1L << 20, 1L << 29, 3L << 20, 0);
        assertEquals(2048, MemoryPolicy.swapUsedKb(swapped, true));
        assertEquals(2048, MemoryPolicy.swapTotalKb(swapped, HOST, true), "swappiness 0: only what is swapped");
        assertEquals(0, MemoryPolicy.swapFreeKb(swapped, HOST, true));
        assertEquals(0, MemoryPolicy.swapUsedKb(v1(1L << 28, 5L << 20, 1L << 29, 3L << 20, 60), true), "never negative");
    }

    @Test
    void swapsUsesTheKernelsLayout() {
        assertEquals(SwapsRenderer.HEADER, SwapsRenderer.render(0, 0));
        assertEquals("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
                + "none                                    virtual\t12345678\t0\t\t0\n", SwapsRenderer.render(12345678, 0));
    }

    @Test
    void cfsLimitsVisibleCpus() {
        int[] host = {0, 1, 2, 3, 4, 5, 6, 7};
        CpuStats s = new CpuStats(new int[] {2, 3, 5, 7}, 2.5, null, null, 0, 0, -1);
        assertArrayEquals(new int[] {2, 3, 5, 7}, CpuPolicy.visible(host, s, false));
        assertArrayEquals(new int[] {2, 3, 5}, CpuPolicy.visible(host, s, true));
        assertArrayEquals(new int[] {2}, CpuPolicy.visible(host, new CpuStats(new int[] {2, 3}, 0.01, null, null, 0, 0, -1), true));
        assertArrayEquals(host, CpuPolicy.visible(host, new CpuStats(new int[] {9}, 0, null, null, 0, 0, -1), true));
    }

    @Test
    void uptimeIdleNeverNegative() {
        double[] u = CpuPolicy.uptime(100, 5000, 500_000_000_000L, 2);
        assertEquals(50, u[0], 1e-9);
        assertEquals(0, u[1], 1e-9);
        assertEquals("50.00 0.00\n", UptimeRenderer.render(u[0], u[1]));
        assertEquals("0-2\n", OnlineRenderer.render(3));
        assertEquals("0\n", OnlineRenderer.render(1));
    }
}
