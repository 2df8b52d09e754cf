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

    public static String render(HostMeminfo host, MemoryStats m, boolean swap, boolean zswap) {
        Map<String, Long> v = values(host, m, swap, zswap);
        StringBuilder sb = new StringBuilder(2048);
        for (HostMeminfo.Line l : host.lines()) {
            Long kb = v.get(l.key());
            if (kb == null) sb.append(l.raw()).append('\n');
            else line(sb, l.key(), kb);
        }
        return sb.toString();
    }

    /** Every replaced key and its value in kB. */
    static Map<String, Long> values(HostMeminfo host, MemoryStats m, boolean swap, boolean zswap) {
        Map<String, Long> v = new LinkedHashMap<>();
        v.put("MemTotal", MemoryPolicy.memTotalKb(m, host));
        v.put("MemFree", MemoryPolicy.memFreeKb(m, host));
        v.put("MemAvailable", MemoryPolicy.memAvailableKb(m, host));
        v.put("Buffers", 0L);
        v.put("Cached", kb(m.v2() ? m.stat("file") : m.stat("total_cache")));
        v.put("SwapCached", 0L);
        long activeAnon = st(m, "active_anon"), inactiveAnon = st(m, "inactive_anon");
        long activeFile = st(m, "active_file"), inactiveFile = st(m, "inactive_file");
        v.put("Active", kb(activeAnon + activeFile));
        v.put("Inactive", kb(inactiveAnon + inactiveFile));
        v.put("Active(anon)", kb(activeAnon));
        v.put("Inactive(anon)", kb(inactiveAnon));
        v.put("Active(file)", kb(activeFile));
        v.put("Inactive(file)", kb(inactiveFile));
        v.put("Unevictable", kb(st(m, "unevictable")));
        v.put("SwapTotal", MemoryPolicy.swapTotalKb(m, host, swap));
        v.put("SwapFree", MemoryPolicy.swapFreeKb(m, host, swap));
        v.put("Zswap", MemoryPolicy.zswapKb(m, zswap, "zswap"));
        v.put("Zswapped", MemoryPolicy.zswapKb(m, zswap, "zswapped"));
        v.put("Dirty", kb(m.v2() ? m.stat("file_dirty") : m.stat("total_dirty")));
        v.put("Writeback", kb(m.v2() ? m.stat("file_writeback") : m.stat("total_writeback")));
        long shmem = st(m, "shmem");
        v.put("AnonPages", kb(Math.max(0, activeAnon + inactiveAnon - shmem)));
        v.put("Mapped", kb(m.v2() ? m.stat("file_mapped") : m.stat("total_mapped_file")));
        v.put("Shmem", kb(shmem));
        v.put("Slab", kb(m.v2() ? m.stat("slab") : 0));
        v.put("SReclaimable", kb(m.v2() ? m.stat("slab_reclaimable") : 0));
        v.put("SUnreclaim", kb(m.v2() ? m.stat("slab_unreclaimable") : 0));
        v.put("AnonHugePages", kb(m.v2() ? m.stat("anon_thp") : m.stat("total_rss_huge")));
        v.put("ShmemHugePages", 0L);
        v.put("ShmemPmdMapped", 0L);
        return v;
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
        String n = Long.toString(kb);
        for (int i = n.length(); i < 8; i++) sb.append(' ');
        sb.append(n).append(" kB\n");
    }
}
