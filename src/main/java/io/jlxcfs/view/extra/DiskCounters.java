package io.jlxcfs.view.extra;

/**
 * One device's counters in {@code /proc/diskstats} column order (after major, minor, name): the 17
 * columns of kernels 5.5+ ({@code Documentation/admin-guide/iostats.rst}). Times are milliseconds,
 * sizes 512-byte sectors.
 */
public record DiskCounters(long reads, long readMerges, long readSectors, long readMs,
                           long writes, long writeMerges, long writeSectors, long writeMs,
                           long inFlight, long ioMs, long weightedMs,
                           long discards, long discardMerges, long discardSectors, long discardMs,
                           long flushes, long flushMs) {

    public static final int COLUMNS = 17;

    public long[] columns() {
        return new long[]{reads, readMerges, readSectors, readMs, writes, writeMerges, writeSectors, writeMs,
                inFlight, ioMs, weightedMs, discards, discardMerges, discardSectors, discardMs, flushes, flushMs};
    }

    /** True if the cgroup never touched the device (such lines are left out, as lxcfs does). */
    public boolean isZero() {
        for (long v : columns()) if (v != 0) return false;
        return true;
    }
}
