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

    private final Path root;
    private final CgroupFs fs;

    public ProcReader(Path root, CgroupFs fs) {
        this.root = root;
        this.fs = fs;
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

    public HostCpuinfo cpuinfo() {
        return parseOnce(text("cpuinfo"), lastCpuinfo, HostCpuinfo::parse);
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
