package io.jlxcfs.cgroup;

import java.util.Map;

/**
 * What one memory cgroup says about itself, read in one go. Byte values; {@link Values#UNLIMITED}
 * for "no limit".
 *
 * @param v2         read from a cgroup2 hierarchy (memory.stat key names differ)
 * @param limit      minimum of the memory limit over the cgroup and its ancestors
 * @param usage      memory.usage_in_bytes (v1) / memory.current (v2)
 * @param swapLimit  v1: minimum memory.memsw.limit_in_bytes (memory+swap); v2: minimum memory.swap.max;
 *                   -1 without swap accounting
 * @param swapUsage  v1: memory.memsw.usage_in_bytes (memory+swap); v2: memory.swap.current; -1 if unknown
 * @param swappiness memory.swappiness (v1); -1 when the hierarchy has none (v2)
 * @param zswap      v2 zswap accounting exists (memory.zswap.current)
 * @param stat       memory.stat, exact keys
 */
public record MemoryStats(boolean v2, long limit, long usage, long swapLimit, long swapUsage,
                          int swappiness, boolean zswap, Map<String, Long> stat) {

    public MemoryStats {
        // a read view, not a copy: the map is the reader's fresh parse, kept by no one else
        stat = java.util.Collections.unmodifiableMap(stat);
    }

    /** A memory.stat value, 0 if absent. */
    public long stat(String key) {
        return stat.getOrDefault(key, 0L);
    }
}
