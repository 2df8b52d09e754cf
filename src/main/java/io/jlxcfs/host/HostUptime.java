package io.jlxcfs.host;

import io.jlxcfs.cgroup.Fields;
/**
 * The host's /proc/uptime in seconds.
 */
public record HostUptime(double uptime, double idle) {

    /** Null for garbage. */
    public static HostUptime parse(String text) {
        if (text == null) return null;
        String[] f = Fields.of(text);
        if (f.length < 2) return null;
        try {
            return new HostUptime(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
