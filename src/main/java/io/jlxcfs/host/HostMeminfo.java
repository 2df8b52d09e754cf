package io.jlxcfs.host;

import io.jlxcfs.cgroup.Fields;
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
            if (colon >= 0) {
                String[] f = Fields.of(raw.substring(colon + 1));
                try {
                    kb = Long.parseLong(f[0]);
                } catch (NumberFormatException e) {
                    kb = -1;
                }
            }
            out.add(new Line(key, kb, raw));
        }
        return new HostMeminfo(out);
    }

    /** The value of {@code key} in kB, or {@code dflt} if the host has no such line. */
    public long kb(String key, long dflt) {
        for (Line l : lines) {
            if (l.key.equals(key) && l.kb >= 0) return l.kb;
        }
        return dflt;
    }
}
