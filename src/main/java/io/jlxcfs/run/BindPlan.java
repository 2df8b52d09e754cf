package io.jlxcfs.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Which jlxcfs files are bind-mounted over which host files inside {@code jlxcfs run}: pure. */
final class BindPlan {

    /** The files jlxcfs serves, relative to its mount point and to / alike. */
    static final List<String> FILES = List.of(
            "proc/meminfo", "proc/cpuinfo", "proc/stat", "proc/uptime", "proc/swaps", "proc/loadavg",
            "proc/diskstats", "proc/slabinfo",
            "proc/pressure/cpu", "proc/pressure/io", "proc/pressure/memory", "proc/pressure/irq",
            "sys/devices/system/cpu/online");

    /** One bind mount: source under the jlxcfs root, target in the container's view. */
    record Bind(Path source, Path target) {
    }

    private BindPlan() {
    }

    /**
     * The binds whose source exists under {@code root} and whose target exists; {@code exists} is
     * the file test (injected for tests).
     */
    static List<Bind> binds(Path root, Path slash, Predicate<Path> exists) {
        List<Bind> out = new ArrayList<>();
        for (String f : FILES) {
            Path src = root.resolve(f);
            Path dst = slash.resolve(f);
            if (exists.test(src) && exists.test(dst)) out.add(new Bind(src, dst));
        }
        return List.copyOf(out);
    }
}
