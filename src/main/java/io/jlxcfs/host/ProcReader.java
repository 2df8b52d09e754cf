package io.jlxcfs.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.jlxcfs.cgroup.CgroupFs;

/**
 * Reads the host's procfs below a root (the real /proc, or a fixture tree in tests). Methods return
 * null (never throw) when a file or process is gone.
 */
public final class ProcReader {

    /**
     * How long the host's cpuinfo text is used for every view while the online CPUs stay the same.
     * Only its {@code cpu MHz} lines move in between, and reading it costs the kernel some 30 µs
     * on two CPUs (more with more), a quarter of a whole FUSE round trip.
     */
    public static final long CPUINFO_MAX_AGE_NANOS = 1_000_000_000L;

    private final Path root;
    private final CgroupFs fs;
    private final java.util.function.LongSupplier clock;

    public ProcReader(Path root, CgroupFs fs) {
        this(root, fs, System::nanoTime);
    }

    /** @param clock nanoTime (tests move it) */
    public ProcReader(Path root, CgroupFs fs, java.util.function.LongSupplier clock) {
        this.root = root;
        this.fs = fs;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    /** A host file below the proc root ("meminfo"), or null. */
    public String text(String name) {
        Path p = paths.get(name);
        if (p == null) {
            p = root.resolve(name);
            if (paths.size() < 64) paths.put(name, p);
        }
        return fs.read(p);
    }

    /** Resolved paths of the few host files read over and over. */
    private final java.util.Map<String, Path> paths = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The last text parsed and its parse. A caching file system hands every view the same String
     * for a freshness window; the same instance is not parsed again (identity, not equality: a
     * re-read text is always parsed).
     */
    private record Parsed<T>(String text, T value) {
    }

    private final java.util.concurrent.atomic.AtomicReference<Parsed<HostMeminfo>> lastMeminfo = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<Parsed<HostStat>> lastStat = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<Parsed<HostCpuinfo>> lastCpuinfo = new java.util.concurrent.atomic.AtomicReference<>();

    private static <T> T parseOnce(String s, java.util.concurrent.atomic.AtomicReference<Parsed<T>> last,
                                   java.util.function.Function<String, T> parse) {
        if (s == null) return null;
        Parsed<T> p = last.get();
        if (p != null && p.text() == s) return p.value();
        T v = parse.apply(s);
        last.set(new Parsed<>(s, v));
        return v;
    }

    public HostMeminfo meminfo() {
        return parseOnce(text("meminfo"), lastMeminfo, HostMeminfo::parse);
    }

    public HostStat stat() {
        return parseOnce(text("stat"), lastStat, HostStat::parse);
    }

    /** A cpuinfo parse, the online CPU list it was read under, and when. */
    private record KeptCpuinfo(HostCpuinfo value, String online, long readAt) {
    }

    private volatile KeptCpuinfo keptCpuinfo;

    /** The host's cpuinfo as read now. */
    public HostCpuinfo cpuinfo() {
        return parseOnce(text("cpuinfo"), lastCpuinfo, HostCpuinfo::parse);
    }

    /**
     * The host's cpuinfo, read again only when the online CPU list differs from the one it was read
     * under or it is older than {@link #CPUINFO_MAX_AGE_NANOS}: a hotplug shows at once, the
     * {@code cpu MHz} samples at most a second late.
     *
     * @param online the text of {@code /sys/devices/system/cpu/online} now (null if unreadable:
     *               then only the age counts)
     */
    public HostCpuinfo cpuinfo(String online) {
        long now = clock.getAsLong();
        KeptCpuinfo k = keptCpuinfo;
        if (k != null && java.util.Objects.equals(k.online(), online) && now - k.readAt() < CPUINFO_MAX_AGE_NANOS) {
            return k.value();
        }
        HostCpuinfo v = cpuinfo();
        if (v != null) keptCpuinfo = new KeptCpuinfo(v, online, now);
        return v;
    }

    public HostUptime uptime() {
        return HostUptime.parse(text("uptime"));
    }

    public ProcStatus status(int pid) {
        return ProcStatus.parse(pid, fs.read(root.resolve(pid + "/status")));
    }

    /** /proc/PID/cgroup, or null. */
    public String cgroup(int pid) {
        return fs.read(root.resolve(pid + "/cgroup"));
    }

    /** Field 22 of /proc/PID/stat (start time in clock ticks after boot), or -1. */
    public long startTime(int pid) {
        String s = fs.read(root.resolve(pid + "/stat"));
        return s == null ? -1 : ProcStatLine.number(s, 22);
    }

    /** Field 3 of /proc/PID/stat (R, S, D, ...), or 0 if the task is gone. */
    public char state(int tid) {
        String s = fs.read(root.resolve(tid + "/stat"));
        return s == null ? 0 : ProcStatLine.state(s);
    }

    /** The target of /proc/PID/ns/pid ("pid:[4026531836]"), or null. */
    public String pidNamespace(int pid) {
        try {
            return Files.readSymbolicLink(root.resolve(pid + "/ns/pid")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Every numeric entry of the proc root (the processes), ascending. */
    public int[] pids() {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() < 10) out.add(Integer.parseInt(n));
            });
        } catch (IOException | RuntimeException e) {
            return new int[0];
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
