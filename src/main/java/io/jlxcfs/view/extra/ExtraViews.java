package io.jlxcfs.view.extra;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

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
            List<HostDisk> host = hostDisks();
            if (host == null) return new byte[0];
            return DiskstatsRenderer.render(host, counters);
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
        long now = clock.getAsLong();
        V1Source kept = v1Source;
        if (kept != null && now - v1SourceAt < SOURCE_MAX_AGE_NANOS) {
            Map<String, DiskCounters> m = kept.read(this, b);
            if (m != null) return m;
        }
        for (V1Source src : V1Source.values()) {
            Map<String, DiskCounters> m = src.read(this, b);
            if (m != null) {
                v1SourceAt = now;
                v1Source = src;
                return m;
            }
        }
        return null;
    }

    /**
     * The v1 blkio files diskstats comes from, best first. Every cgroup of a hierarchy has the same
     * files (the kernel's, not the cgroup's), so the one found is tried first for a while: no
     * failed open of an absent file on every miss.
     */
    private enum V1Source {
        /** CFQ/BFQ-era statistics: merges and times too. */
        RECURSIVE(null) {
            @Override
            Map<String, DiskCounters> read(ExtraViews x, Path b) {
                String serviced = x.readString(b.resolve("blkio.io_serviced_recursive"));
                if (serviced == null) return null;
                return DiskStatsReader.fromBlkioRecursive(serviced, x.readString(b.resolve("blkio.io_merged_recursive")),
                        x.readString(b.resolve("blkio.io_service_bytes_recursive")),
                        x.readString(b.resolve("blkio.io_wait_time_recursive")),
                        x.readString(b.resolve("blkio.io_service_time_recursive")));
            }
        },
        THROTTLE_RECURSIVE("_recursive"),
        /** Kernels before the recursive throttle files (4.x). */
        THROTTLE("");

        /** The throttle files' name suffix. */
        private final String suffix;

        V1Source(String suffix) {
            this.suffix = suffix;
        }

        /** The cgroup's counters from these files, or null if they cannot be read. */
        Map<String, DiskCounters> read(ExtraViews x, Path b) {
            String ios = x.readString(b.resolve("blkio.throttle.io_serviced" + suffix));
            return ios == null ? null : DiskStatsReader.fromBlkioThrottle(ios,
                    x.readString(b.resolve("blkio.throttle.io_service_bytes" + suffix)));
        }
    }

    /** How long a v1 source found, and the host's device list, are relied on before being looked at again. */
    static final long SOURCE_MAX_AGE_NANOS = 60_000_000_000L;
    /**
     * How long the host's device list is used for every view: {@code /proc/diskstats} only gives
     * the names, numbers and column count (the counters are the cgroup's), and reading and parsing
     * it cost as much as the rest of a miss. A new disk shows within a second.
     */
    static final long DEVICES_MAX_AGE_NANOS = 1_000_000_000L;

    private volatile V1Source v1Source;
    private volatile long v1SourceAt;

    private record KeptDisks(List<HostDisk> disks, long readAt) {
    }

    private volatile KeptDisks keptDisks;

    /** The host's block devices, read again after {@link #DEVICES_MAX_AGE_NANOS}; null if unreadable. */
    private List<HostDisk> hostDisks() {
        long now = clock.getAsLong();
        KeptDisks k = keptDisks;
        if (k != null && now - k.readAt() < DEVICES_MAX_AGE_NANOS) return k.disks();
        String host = readString(procRoot.resolve("diskstats"));
        if (host == null) return null;
        List<HostDisk> disks = List.copyOf(HostDisk.parse(host));
        keptDisks = new KeptDisks(disks, now);
        return disks;
    }

    /** nanoTime; tests move it. */
    private volatile LongSupplier clock = System::nanoTime;

    /** Tests: the clock the kept device list and v1 source age by. */
    void clock(LongSupplier c) {
        this.clock = c;
    }

    static boolean isSlabinfo(String s) {
        return s != null && s.startsWith("slabinfo - version");
    }

    static boolean isPressure(String s) {
        return s != null && s.startsWith("some ");
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
