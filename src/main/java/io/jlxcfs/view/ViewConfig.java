package io.jlxcfs.view;

import java.nio.file.Path;

/**
 * What the views read and how: the roots make fixture trees usable in tests (the daemon's defaults
 * are {@code /sys/fs/cgroup}, {@code /proc} and {@code /sys}).
 *
 * @param cgroupRoot where the cgroup hierarchies are mounted (v1 controllers as subdirectories,
 *                   hybrid with {@code unified/}, or a cgroup2 root)
 * @param procRoot   the host's procfs
 * @param sysRoot    the host's sysfs
 * @param swap       false with {@code -u/--disable-swap}
 * @param zswap      false with {@code -z/--disable-zswap}
 * @param cfs        {@code --enable-cfs}: CPU count limited by the CFS quota
 * @param loadavg    {@code -l/--enable-loadavg}: per-cgroup load averages
 */
public record ViewConfig(Path cgroupRoot, Path procRoot, Path sysRoot,
                         boolean swap, boolean zswap, boolean cfs, boolean loadavg) {

    public static ViewConfig defaults() {
        return new ViewConfig(Path.of("/sys/fs/cgroup"), Path.of("/proc"), Path.of("/sys"), true, true, false, false);
    }
}
