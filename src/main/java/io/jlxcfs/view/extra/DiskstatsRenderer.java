package io.jlxcfs.view.extra;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code /proc/diskstats} for a cgroup: the host's devices in the host's order and with the
 * host kernel's column count, each with the cgroup's counters, in the kernel's format
 * ({@code "%4d %7d %s %lu ..."}); devices the cgroup never touched are left out. Pure.
 */
public final class DiskstatsRenderer {

    private DiskstatsRenderer() {
    }

    public static byte[] render(List<HostDisk> host, Map<String, DiskCounters> byDev) {
        StringBuilder sb = new StringBuilder();
        for (HostDisk d : host) {
            DiskCounters c = byDev.get(d.devId());
            if (c == null || c.isZero()) continue;
            pad(sb, d.major(), 4).append(' ');
            pad(sb, d.minor(), 7).append(' ').append(d.name());
            long[] cols = c.columns();
            for (int i = 0; i < Math.min(d.columns(), cols.length); i++) sb.append(' ').append(cols[i]);
            for (int i = cols.length; i < d.columns(); i++) sb.append(" 0");   // a future kernel's extra columns
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code v} right-aligned in {@code width} columns, as printf's {@code %<width>d}. */
    static StringBuilder pad(StringBuilder sb, int v, int width) {
        int len = Integer.toString(v).length();
        for (int i = len; i < width; i++) sb.append(' ');
        return sb.append(v);
    }
}
