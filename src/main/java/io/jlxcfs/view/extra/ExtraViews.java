package io.jlxcfs.view.extra;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.daemon.Log;

/**
 * The load, disk, slab and pressure views: {@code /proc/loadavg}, {@code /proc/diskstats},
 * {@code /proc/slabinfo} and {@code /proc/pressure/{cpu,io,memory}} for an already-resolved set of
 * cgroup directories. No method throws: whatever cannot be virtualised is the host file
 * ({@code procRoot/<name>}), and each cause of such a fallback is logged once.
 */
public final class ExtraViews implements AutoCloseable {

    /** The kernel's LOAD_FREQ. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    /** A cgroup nobody reads for this long stops being sampled. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);

    private static final Set<String> PRESSURE = Set.of("cpu", "io", "memory");

    private final Path procRoot;
    private final LoadSampler sampler;   // null without -l
    /** How files are read: the daemon's kept descriptors (one pread each), or plain reads. */
    private final CgroupFs fs;

    public ExtraViews(Path procRoot, boolean loadavgEnabled) {
        this(procRoot, loadavgEnabled, new CgroupFs());
    }

    /** Reading through {@code fs} (the daemon passes its kept descriptors). */
    public ExtraViews(Path procRoot, boolean loadavgEnabled, CgroupFs fs) {
        this(procRoot, loadavgEnabled, DEFAULT_INTERVAL, DEFAULT_IDLE, fs);
    }

    /** With a sampling interval and idle timeout of choice (tests use short ones). */
    public ExtraViews(Path procRoot, boolean loadavgEnabled, Duration interval, Duration idle) {
        this(procRoot, loadavgEnabled, interval, idle, new CgroupFs());
    }

    private ExtraViews(Path procRoot, boolean loadavgEnabled, Duration interval, Duration idle, CgroupFs fs) {
        this.procRoot = procRoot;
        this.fs = fs;
        this.sampler = loadavgEnabled ? new LoadSampler(procRoot, interval, idle) : null;
    }

    /** {@code /proc/loadavg}: the cgroup's own load with {@code -l}, else the host's. */
    public byte[] loadavg(CgroupDirs d) {
        try {
            if (sampler == null) return host("loadavg");
            Path dir = loadDir(d);
            if (dir == null) return fallback("loadavg", "loadavg:no-cpu-cgroup", "no cpu cgroup");
            LoadSampler.Snapshot s = sampler.read(dir);
            return LoadavgRenderer.render(s.load(), s.tasks());
        } catch (RuntimeException e) {
            return fallback("loadavg", "loadavg:error", e.toString());
        }
    }

    /** {@code /proc/diskstats}: v2 {@code io.stat}, v1 {@code blkio.io_*_recursive} or {@code blkio.throttle.*}. */
    public byte[] diskstats(CgroupDirs d) {
        try {
            Map<String, DiskCounters> counters = diskCounters(d);
            if (counters == null) return fallback("diskstats", "diskstats:no-io-source", "no io.stat or blkio statistics");
            String host = readString(procRoot.resolve("diskstats"));
            if (host == null) return new byte[0];
            return DiskstatsRenderer.render(HostDisk.parse(host), counters);
        } catch (RuntimeException e) {
            return fallback("diskstats", "diskstats:error", e.toString());
        }
    }

    /** {@code /proc/slabinfo}: v1 {@code memory.kmem.slabinfo} when the kernel fills it, else the host's. */
    public byte[] slabinfo(CgroupDirs d) {
        try {
            if (d == null || d.v2() || d.memory() == null)
                return fallback("slabinfo", "slabinfo:no-v1-memory", "no v1 memory cgroup");
            String s = readString(d.memory().resolve("memory.kmem.slabinfo"));
            if (!isSlabinfo(s))
                return fallback("slabinfo", "slabinfo:empty", "memory.kmem.slabinfo missing or empty (kernel 5.9+)");
            return s.getBytes(StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            return fallback("slabinfo", "slabinfo:error", e.toString());
        }
    }

    /** {@code /proc/pressure/<which>} ({@code cpu}, {@code io} or {@code memory}) from the cgroup2 dir. */
    public byte[] pressure(String which, CgroupDirs d) {
        String name = "pressure/" + which;
        try {
            if (!PRESSURE.contains(which)) return new byte[0];
            if (d == null || d.unified() == null)
                return fallback(name, "pressure:no-unified", "no cgroup2 directory");
            String s = readString(d.unified().resolve(which + ".pressure"));
            if (!isPressure(s)) return fallback(name, "pressure:" + which + ":unreadable", which + ".pressure unreadable");
            return s.getBytes(StandardCharsets.US_ASCII);
        } catch (RuntimeException e) {
            return fallback(name, "pressure:error", e.toString());
        }
    }

    /** The number of cgroups the loadavg sampler currently follows (0 without -l). */
    public int sampledCgroups() {
        return sampler == null ? 0 : sampler.size();
    }

    @Override
    public void close() {
        if (sampler != null) sampler.close();
    }

    /** Policy: the load of a container is that of its cpu cgroup subtree (the unified dir on v2). */
    static Path loadDir(CgroupDirs d) {
        if (d == null) return null;
        return d.v2() ? d.unified() : d.cpu();
    }

    /**
     * Policy: which I/O accounting to use. v2: io.stat. v1: the CFQ/BFQ-era recursive files if the
     * kernel has them, else the throttle files (recursive where present). Null: none, use the host.
     */
    Map<String, DiskCounters> diskCounters(CgroupDirs d) {
        if (d == null) return null;
        if (d.v2()) {
            if (d.blkio() == null) return null;
            String s = readString(d.blkio().resolve("io.stat"));
            return s == null ? null : DiskStatsReader.fromIoStat(s);
        }
        Path b = d.blkio();
        if (b == null) return null;
        String serviced = readString(b.resolve("blkio.io_serviced_recursive"));
        if (serviced != null) {
            return DiskStatsReader.fromBlkioRecursive(serviced, readString(b.resolve("blkio.io_merged_recursive")),
                    readString(b.resolve("blkio.io_service_bytes_recursive")),
                    readString(b.resolve("blkio.io_wait_time_recursive")),
                    readString(b.resolve("blkio.io_service_time_recursive")));
        }
        String tios = firstReadable(b, "blkio.throttle.io_serviced_recursive", "blkio.throttle.io_serviced");
        if (tios == null) return null;
        return DiskStatsReader.fromBlkioThrottle(tios,
                firstReadable(b, "blkio.throttle.io_service_bytes_recursive", "blkio.throttle.io_service_bytes"));
    }

    static boolean isSlabinfo(String s) {
        return s != null && s.startsWith("slabinfo - version");
    }

    static boolean isPressure(String s) {
        return s != null && s.startsWith("some ");
    }

    private String firstReadable(Path dir, String... names) {
        for (String n : names) {
            String s = readString(dir.resolve(n));
            if (s != null) return s;
        }
        return null;
    }

    private byte[] fallback(String name, String cause, String why) {
        Log.once(Log.NOTICE, "extra:" + cause, "/proc/%s: %s, serving the host file", name, why);
        return host(name);
    }

    private byte[] host(String name) {
        return hostFile(fs, procRoot.resolve(name), "/proc/" + name);
    }

    /**
     * A host file's bytes as {@code fs} reads them; empty (and logged once) if it cannot be read.
     *
     * @param shown the file as containers know it ("/proc/loadavg"), for the log
     */
    public static byte[] hostFile(CgroupFs fs, Path p, String shown) {
        String s = fs.read(p);
        if (s == null) {
            Log.once(Log.WARNING, "host-read:" + shown, "cannot read %s", p);
            return new byte[0];
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String readString(Path p) {
        try {
            return fs.read(p);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
