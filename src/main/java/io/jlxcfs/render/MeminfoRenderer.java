package io.jlxcfs.render;

import java.util.LinkedHashMap;
import java.util.Map;

import io.jlxcfs.cgroup.MemoryStats;
import io.jlxcfs.host.HostMeminfo;

/**
 * /proc/meminfo: the host's lines in the host's order, with the memory and swap lines replaced by
 * the cgroup's. Keys are matched exactly (lxcfs's prefix matching loses Mapped on v2 and
 * AnonHugePages on v1).
 */
public final class MeminfoRenderer {

    private MeminfoRenderer() {
    }

    /** The lines replaced by the cgroup's figures, in the order {@link #compute} fills them. */
    static final String[] KEYS = {"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
        "Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable",
        "SwapTotal", "SwapFree", "Zswap", "Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "Slab",
        "SReclaimable", "SUnreclaim", "AnonHugePages", "ShmemHugePages", "ShmemPmdMapped"};

    /** KEYS indices by key length, to match a host line's key without making a string of it. */
    private static final int[][] BY_LENGTH = byLength();

    private static int[][] byLength() {
        int max = 0;
        for (String k : KEYS) max = Math.max(max, k.length());
        int[][] t = new int[max + 1][];
        for (int len = 0; len <= max; len++) {
            int n = 0;
            for (String k : KEYS) if (k.length() == len) n++;
            t[len] = new int[n];
            n = 0;
            for (int i = 0; i < KEYS.length; i++) if (KEYS[i].length() == len) t[len][n++] = i;
        }
        return t;
    }

    public static String render(HostMeminfo host, MemoryStats m, boolean swap, boolean zswap) {
        long[] v = compute(host, m, swap, zswap);
        int[] replaced = replaced(host);
        StringBuilder sb = Scratch.builder();
        for (int i = 0; i < host.size(); i++) {
            int k = replaced[i];
            if (k < 0) host.appendRaw(i, sb);
            else line(sb, KEYS[k], v[k]);
        }
        return sb.toString();
    }

    /** Which of {@link #KEYS} each line of a host layout is (-1: the host's line), worked out once per layout. */
    private record Plan(HostMeminfo.Layout layout, int[] replaced) {
    }

    private static volatile Plan plan;

    /** The KEYS index of each host line (-1 for the host's own). */
    private static int[] replaced(HostMeminfo host) {
        Plan p = plan;
        if (p == null || p.layout() != host.layout()) {
            int[] r = new int[host.size()];
            for (int i = 0; i < r.length; i++) r[i] = replaced(host, i);
            plan = p = new Plan(host.layout(), r);
        }
        return p.replaced();
    }

    /** The KEYS index of host line {@code i}'s key, or -1 if the line is the host's. */
    private static int replaced(HostMeminfo host, int i) {
        int len = host.keyLength(i);
        if (len >= BY_LENGTH.length) return -1;
        for (int k : BY_LENGTH[len]) {
            if (host.keyIs(i, KEYS[k])) return k;
        }
        return -1;
    }

    /** Every replaced key and its value in kB, in the order of {@link #KEYS} (tests). */
    static Map<String, Long> values(HostMeminfo host, MemoryStats m, boolean swap, boolean zswap) {
        long[] v = compute(host, m, swap, zswap);
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.length; i++) out.put(KEYS[i], v[i]);
        return out;
    }

    /** The value in kB of each of {@link #KEYS}. */
    static long[] compute(HostMeminfo host, MemoryStats m, boolean swap, boolean zswap) {
        long activeAnon = st(m, "active_anon"), inactiveAnon = st(m, "inactive_anon");
        long activeFile = st(m, "active_file"), inactiveFile = st(m, "inactive_file");
        long shmem = st(m, "shmem");
        boolean v2 = m.v2();
        return new long[] {
            MemoryPolicy.memTotalKb(m, host),
            MemoryPolicy.memFreeKb(m, host),
            MemoryPolicy.memAvailableKb(m, host),
            0L,
            kb(v2 ? m.stat("file") : m.stat("total_cache")),
            0L,
            kb(activeAnon + activeFile),
            kb(inactiveAnon + inactiveFile),
            kb(activeAnon),
            kb(inactiveAnon),
            kb(activeFile),
            kb(inactiveFile),
            kb(st(m, "unevictable")),
            MemoryPolicy.swapTotalKb(m, host, swap),
            MemoryPolicy.swapFreeKb(m, host, swap),
            MemoryPolicy.zswapKb(m, zswap, "zswap"),
            MemoryPolicy.zswapKb(m, zswap, "zswapped"),
            kb(v2 ? m.stat("file_dirty") : m.stat("total_dirty")),
            kb(v2 ? m.stat("file_writeback") : m.stat("total_writeback")),
            kb(Math.max(0, activeAnon + inactiveAnon - shmem)),
            kb(v2 ? m.stat("file_mapped") : m.stat("total_mapped_file")),
            kb(shmem),
            kb(v2 ? m.stat("slab") : 0),
            kb(v2 ? m.stat("slab_reclaimable") : 0),
            kb(v2 ? m.stat("slab_unreclaimable") : 0),
            kb(v2 ? m.stat("anon_thp") : m.stat("total_rss_huge")),
            0L,
            0L,
        };
    }

    private static long st(MemoryStats m, String v2Key) {
        return MemoryPolicy.stat(m, v2Key);
    }

    private static long kb(long bytes) {
        return bytes / 1024;
    }

    /** The kernel's layout: the label with its colon padded to 16 columns, the value right-aligned in 8. */
    static void line(StringBuilder sb, String key, long kb) {
        int start = sb.length();
        sb.append(key).append(':');
        do sb.append(' '); while (sb.length() - start < 16);
        for (int i = digits(kb); i < 8; i++) sb.append(' ');
        sb.append(kb).append(" kB\n");
    }

    /** Characters of {@code v} in decimal. */
    private static int digits(long v) {
        if (v < 0) return 1 + digits(v == Long.MIN_VALUE ? Long.MAX_VALUE : -v);
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }
}
