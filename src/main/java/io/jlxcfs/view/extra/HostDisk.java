package io.jlxcfs.view.extra;

import io.jlxcfs.cgroup.Fields;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of the host's {@code /proc/diskstats}: the device number, its name and how many counter
 * columns this kernel prints (11 before 4.18, 15 before 5.5, 17 since).
 */
public record HostDisk(int major, int minor, String name, int columns) {

    public String devId() {
        return major + ":" + minor;
    }

    /** Parses the host file; malformed lines are skipped. */
    public static List<HostDisk> parse(String diskstats) {
        List<HostDisk> out = new ArrayList<>();
        for (String line : diskstats.split("\n")) {
            String[] f = Fields.of(line);
            if (f.length < 4) continue;
            try {
                out.add(new HostDisk(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], f.length - 3));
            } catch (NumberFormatException e) {
                // not a device line
            }
        }
        return out;
    }
}
