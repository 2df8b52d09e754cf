package io.jlxcfs.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The host's /proc/meminfo, line by line, in order.
 *
 * @param lines every line (without its newline)
 */
public record HostMeminfo(List<Line> lines) {

    /**
     * @param key   the name before the colon ("MemTotal", "Active(anon)")
     * @param kb    the number (kB for most lines, a count for HugePages_*); -1 if the line has none
     * @param raw   the line as the kernel wrote it
     */
    public record Line(String key, long kb, String raw) {
    }

    public HostMeminfo {
        lines = List.copyOf(lines);
    }

    public static HostMeminfo parse(String text) {
        List<Line> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            if (raw.isEmpty()) continue;
            int colon = raw.indexOf(':');
            String key = colon < 0 ? raw : raw.substring(0, colon);
            long kb = -1;
            if (colon >= 0) kb = firstNumber(raw, colon + 1);
            out.add(new Line(key, kb, raw));
        }
        return new HostMeminfo(out);
    }

    /** The first whitespace-separated field from {@code from} as a number, or -1 if it is not one. */
    private static long firstNumber(String raw, int from) {
        int n = raw.length(), i = from;
        while (i < n && Character.isWhitespace(raw.charAt(i))) i++;
        int j = i;
        while (j < n && raw.charAt(j) >= '0' && raw.charAt(j) <= '9') j++;
        if (j == i || j - i > 18 || (j < n && !Character.isWhitespace(raw.charAt(j)))) return -1;
        return Long.parseLong(raw, i, j, 10);
    }

    /** The value of {@code key} in kB, or {@code dflt} if the host has no such line. */
    public long kb(String key, long dflt) {
        for (Line l : lines) {
            if (l.key.equals(key) && l.kb >= 0) return l.kb;
        }
        return dflt;
    }
}
