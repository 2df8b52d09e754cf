package io.jlxcfs.render;

import java.util.Locale;

/** /proc/uptime: "%.2f %.2f\n". */
public final class UptimeRenderer {

    private UptimeRenderer() {
    }

    public static String render(double uptime, double idle) {
        return String.format(Locale.ROOT, "%.2f %.2f\n", uptime, idle);
    }
}
