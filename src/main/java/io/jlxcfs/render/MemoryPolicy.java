package io.jlxcfs.render;

import io.jlxcfs.cgroup.MemoryStats;
import io.jlxcfs.cgroup.Values;
import io.jlxcfs.host.HostMeminfo;

/**
 * The numbers a container sees for memory and swap, in kB: pure functions of the cgroup's
 * {@link MemoryStats} and the host's meminfo, each rule a named method.
 */
public final class MemoryPolicy {

    private MemoryPolicy() {
    }

    /** min(limit over ancestors, host MemTotal); no limit (or a 0 limit, as lxcfs) gives the host's. */
    public static long memTotalKb(MemoryStats m, HostMeminfo host) {
        long hostTotal = host.kb("MemTotal", Long.MAX_VALUE);
        if (m.limit() == Values.UNLIMITED || m.limit() == 0) return hostTotal;
        return Math.min(m.limit() / 1024, hostTotal);
    }

    /** MemTotal - usage, never negative (lxcfs underflows when usage exceeds a lowered limit). */
    public static long memFreeKb(MemoryStats m, HostMeminfo host) {
        return Math.max(0, memTotalKb(m, host) - m.usage() / 1024);
    }

    /** MemFree + active_file + inactive_file + slab_reclaimable (lxcfs 6.0.4+), at most MemTotal. */
    public static long memAvailableKb(MemoryStats m, HostMeminfo host) {
        long reclaimable = stat(m, "active_file") + stat(m, "inactive_file")
                + (m.v2() ? m.stat("slab_reclaimable") : 0);
        return Math.min(memTotalKb(m, host), memFreeKb(m, host) + reclaimable / 1024);
    }

    /** A memory.stat value in bytes under its v2 name; on v1 the hierarchical "total_" key. */
    public static long stat(MemoryStats m, String v2Key) {
        return m.v2() ? m.stat(v2Key) : m.stat(V1_NAMES.computeIfAbsent(v2Key, k -> "total_" + k));
    }

    /** v1 names of the hierarchical counters ("total_" + the v2 name), made once. */
    private static final java.util.Map<String, String> V1_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    /** Swap is shown only with swap accounting and without -u. */
    public static boolean swapShown(MemoryStats m, boolean swapOption) {
        return swapOption && m.swapLimit() >= 0 && m.swapUsage() >= 0;
    }

    /** Swap in use: v1 memsw usage - memory usage (never negative), v2 memory.swap.current. */
    public static long swapUsedKb(MemoryStats m, boolean swapOption) {
        if (!swapShown(m, swapOption)) return 0;
        long used = m.v2() ? m.swapUsage() : m.swapUsage() - m.usage();
        return Math.max(0, used) / 1024;
    }

    /**
     * v1: the memory+swap limit (as lxcfs: the kernel may swap up to it when memory use is low);
     * v2: memory.swap.max; unlimited means the host's; clamped to the host SwapTotal; with
     * swappiness 0 only what is already swapped out.
     */
    public static long swapTotalKb(MemoryStats m, HostMeminfo host, boolean swapOption) {
        if (!swapShown(m, swapOption)) return 0;
        long hostSwap = host.kb("SwapTotal", 0);
        long total = m.swapLimit() == Values.UNLIMITED ? hostSwap : Math.min(m.swapLimit() / 1024, hostSwap);
        if (m.swappiness() == 0) total = Math.min(total, swapUsedKb(m, swapOption));
        return total;
    }

    public static long swapFreeKb(MemoryStats m, HostMeminfo host, boolean swapOption) {
        return Math.max(0, swapTotalKb(m, host, swapOption) - swapUsedKb(m, swapOption));
    }

    /** Zswap/Zswapped (lxcfs 7.0): v2 with memory.zswap.current and without -z; else 0. */
    public static long zswapKb(MemoryStats m, boolean zswapOption, String key) {
        return zswapOption && m.v2() && m.zswap() ? m.stat(key) / 1024 : 0;
    }
}
