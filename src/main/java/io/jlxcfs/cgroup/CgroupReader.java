package io.jlxcfs.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns cgroup files into {@link MemoryStats} and {@link CpuStats}. Paths are the absolute cgroup
 * paths of /proc/PID/cgroup ("/kubepods.slice/pod-a/ctr-1"). Returns null (never throws) when the
 * cgroup or one of its essential files cannot be read; the view then serves the host file.
 */
public final class CgroupReader {

    /** Upper bound on the threads a procs_running/procs_blocked count looks at. */
    static final int MAX_THREADS = 65536;

    private final Hierarchies h;
    private final CgroupFs fs;

    public CgroupReader(Hierarchies h, CgroupFs fs) {
        this.h = h;
        this.fs = fs;
    }

    public Hierarchies hierarchies() {
        return h;
    }

    /**
     * A cgroup directory with its control files' paths and its parent, made once: a miss hands the
     * same Path objects to the file reader every time (their hash and name offsets computed once)
     * and walks the ancestors without cutting new paths.
     */
    private static final class Dir {
        final Path path;
        /** The parent cgroup, null at the hierarchy's top. */
        final Dir parent;
        /**
         * The control files asked for so far (a handful: the names are the readers' constants),
         * name and path at the same index; copied on write, so a lookup takes no lock and a
         * thousand cgroups cost a few hundred bytes each, not a map each.
         */
        private volatile String[] names = new String[0];
        private volatile Path[] files = new Path[0];

        Dir(Path path, Dir parent) {
            this.path = path;
            this.parent = parent;
        }

        Path file(String name) {
            Path[] f = files;
            String[] n = names;
            for (int i = 0; i < Math.min(n.length, f.length); i++) {
                if (n[i] == name || n[i].equals(name)) return f[i];
            }
            return add(name);
        }

        private synchronized Path add(String name) {
            String[] n = names;
            for (int i = 0; i < n.length; i++) {
                if (n[i].equals(name)) return files[i];
            }
            Path p = path.resolve(name);
            if (n.length >= 32) return p; // not a reader's constant: not kept
            Path[] f = java.util.Arrays.copyOf(files, n.length + 1);
            f[n.length] = p;
            files = f; // before the names: a reader that sees a name sees its path
            String[] m = java.util.Arrays.copyOf(n, n.length + 1);
            m[n.length] = name;
            names = m;
            return p;
        }
    }

    /** Resolved directories per controller and cgroup path (the paths callers name, shared strings). */
    private final Map<String, Map<String, Dir>> dirs = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int DIRS_PER_CONTROLLER = 16384;

    /** The directory of {@code cgPath} in {@code controller}'s hierarchy; null if not resolvable. */
    public Path dir(String controller, String cgPath) {
        Dir d = node(controller, cgPath);
        return d == null ? null : d.path;
    }

    private Dir node(String controller, String cgPath) {
        if (controller == null || cgPath == null) return null;
        java.util.Map<String, Dir> known = dirs.computeIfAbsent(controller, k -> new java.util.concurrent.ConcurrentHashMap<>());
        Dir d = known.get(cgPath);
        if (d != null) return d;
        if (resolveDir(controller, cgPath) == null) return null;
        // the ancestors not known yet, nearest first, up to a known one or the top (no recursion:
        // however deep the path, the stack stays flat)
        List<String> missing = new ArrayList<>();
        Dir parent = null;
        for (String at = cgPath; ; ) {
            missing.add(at);
            if (at.equals("/")) break;
            int slash = at.lastIndexOf('/');
            at = slash <= 0 ? "/" : at.substring(0, slash);
            parent = known.get(at);
            if (parent != null) break;
        }
        for (int i = missing.size() - 1; i >= 0; i--) {
            String at = missing.get(i); // valid: a prefix of the checked path
            Path p = parent == null ? h.dir(controller) : parent.path.resolve(at.substring(at.lastIndexOf('/') + 1));
            parent = new Dir(p, parent);
            if (known.size() >= DIRS_PER_CONTROLLER) known.clear(); // thousands of cgroups came and went
            known.put(missing.get(i), parent);
        }
        return parent;
    }

    /** Directories kept, over all hierarchies (tests). */
    int dirsKept() {
        return dirs.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * Forgets a removed cgroup's directory, with the file paths it kept, in every hierarchy it
     * belongs to (its descendants went first: a cgroup with children cannot be removed).
     */
    public void forget(Path dir) {
        for (Map.Entry<String, Map<String, Dir>> e : dirs.entrySet()) {
            Path base = h.dir(e.getKey());
            if (base == null || !dir.startsWith(base)) continue;
            String rel = base.relativize(dir).toString();
            e.getValue().remove("/" + rel);
        }
    }

    private Path resolveDir(String controller, String cgPath) {
        Path base = h.dir(controller);
        if (base == null || cgPath == null || !cgPath.startsWith("/")) return null;
        String rel = cgPath.substring(1);
        if (rel.startsWith("/")) return null; // "//x" would resolve to /x, outside the hierarchy
        for (String seg : rel.split("/")) {
            if (seg.equals("..") || seg.equals(".")) return null;
        }
        return rel.isEmpty() ? base : base.resolve(rel);
    }

    /** Memory figures of {@code cgPath}, or null. */
    public MemoryStats memory(String cgPath) {
        return memory(cgPath, true);
    }

    /**
     * Memory figures of {@code cgPath}, or null; without {@code swap} the swap files are not read
     * and the figures say "no swap accounting" (a host without swap: nothing to show).
     */
    public MemoryStats memory(String cgPath, boolean swap) {
        Dir d = node("memory", cgPath);
        if (d == null) return null;
        return h.isV2() ? memoryV2(d, swap) : memoryV1(d, swap);
    }

    private MemoryStats memoryV1(Dir d, boolean swap) {
        Long usage = Values.counter(fs.read(d.file("memory.usage_in_bytes")));
        Map<String, Long> stat = fs.keyValues(d.file("memory.stat"));
        if (usage == null || stat == null) return null;
        long limit = minOverAncestors(d, "memory.limit_in_bytes");
        long swapLimit = -1, swapUsage = -1;
        Long memsw = swap ? Values.counter(fs.read(d.file("memory.memsw.usage_in_bytes"))) : null;
        if (memsw != null) {
            swapLimit = minOverAncestors(d, "memory.memsw.limit_in_bytes");
            swapUsage = memsw;
        }
        Long swappiness = swap ? Values.counter(fs.read(d.file("memory.swappiness"))) : null;
        int sw = swappiness == null ? 60 : (int) Math.min(swappiness, 200);
        return new MemoryStats(false, limit, usage, swapLimit, swapUsage, sw, false, stat);
    }

    private MemoryStats memoryV2(Dir d, boolean swap) {
        Long usage = Values.counter(fs.read(d.file("memory.current")));
        Map<String, Long> stat = fs.keyValues(d.file("memory.stat"));
        if (usage == null || stat == null) return null;
        long limit = minOverAncestors(d, "memory.max");
        long swapLimit = -1, swapUsage = -1;
        Long swapped = swap ? Values.counter(fs.read(d.file("memory.swap.current"))) : null;
        if (swapped != null) {
            swapLimit = minOverAncestors(d, "memory.swap.max");
            swapUsage = swapped;
        }
        boolean zswap = fs.exists(d.file("memory.zswap.current"));
        return new MemoryStats(true, limit, usage, swapLimit, swapUsage, -1, zswap, stat);
    }

    /** Minimum of a limit file over {@code d} and its ancestors up to the hierarchy's top; unreadable ones are skipped. */
    private long minOverAncestors(Dir d, String file) {
        long min = Values.UNLIMITED;
        for (Dir p = d; p != null; p = p.parent) {
            Long v = Values.limit(fs.read(p.file(file)));
            if (v != null && v < min) min = v;
        }
        return min;
    }

    /**
     * CPU figures for stat (on v1 the per-CPU split; the total, {@code usageNs}, only where the
     * split cannot be read); each controller path may differ. Null if the cpuset cannot be determined.
     */
    public CpuStats cpu(String cpuPath, String cpuacctPath, String cpusetPath) {
        return cpu(cpuPath, cpuacctPath, cpusetPath, true);
    }

    /**
     * As {@link #cpu(String, String, String)}, reading on v1 only what one view prints: with
     * {@code perCpu} the per-CPU split ({@code cpuacct.usage_all}; stat), the total
     * ({@code cpuacct.usage}) then only where the split cannot be read; without it the total only
     * (uptime).
     */
    public CpuStats cpu(String cpuPath, String cpuacctPath, String cpusetPath, boolean perCpu) {
        int[] cpuset = cpuset(cpusetPath);
        if (cpuset == null) return null;
        double quota = quotaCpus(cpuPath);
        if (h.isV2()) {
            Dir d = node("cpu", cpuPath);
            Map<String, Long> st = d == null ? null : fs.keyValues(d.file("cpu.stat"));
            if (st == null) return new CpuStats(cpuset, quota, null, null, 0, 0, -1);
            return new CpuStats(cpuset, quota, null, null, st.getOrDefault("user_usec", 0L),
                    st.getOrDefault("system_usec", 0L), st.containsKey("usage_usec") ? st.get("usage_usec") * 1000 : -1);
        }
        Dir acct = node("cpuacct", cpuacctPath);
        if (acct == null) return new CpuStats(cpuset, quota, null, null, 0, 0, -1);
        long[][] split = perCpu ? usageAll(acct) : null;
        Long usage = split != null ? null : Values.counter(fs.read(acct.file("cpuacct.usage")));
        return new CpuStats(cpuset, quota, split == null ? null : split[0], split == null ? null : split[1],
                0, 0, usage == null ? -1 : usage);
    }

    /**
     * Only the limits of {@link #cpu}: the effective cpuset and the quota, no usage (cpuinfo and
     * the online list need nothing else). Null if the cpuset is unknown.
     */
    public CpuStats cpuLimits(String cpuPath, String cpusetPath) {
        int[] cpuset = cpuset(cpusetPath);
        return cpuset == null ? null : new CpuStats(cpuset, quotaCpus(cpuPath), null, null, 0, 0, -1);
    }

    /** Effective cpuset: v1 cpuset.cpus, v2 cpuset.cpus.effective, walking up to the nearest non-empty. */
    int[] cpuset(String cgPath) {
        Dir d = node("cpuset", cgPath);
        if (d == null) return null;
        String file = h.isV2() ? "cpuset.cpus.effective" : "cpuset.cpus";
        // a removed cgroup is not walked up from; its own file read proves it is there (no stat)
        String own = fs.read(d.file(file));
        if (own == null && !fs.exists(d.path)) return null;
        for (Dir p = d; p != null; p = p.parent) {
            int[] cpus = CpuList.parse(p == d ? own : fs.read(p.file(file)));
            if (cpus != null && cpus.length > 0) return cpus;
        }
        return null;
    }

    /** Minimum quota/period over the cpu cgroup and its ancestors; 0 without a quota. */
    double quotaCpus(String cgPath) {
        Dir d = node("cpu", cgPath);
        if (d == null) return 0;
        double min = Double.MAX_VALUE;
        for (Dir p = d; p != null; p = p.parent) {
            double q = h.isV2() ? cpuMax(fs.read(p.file("cpu.max")))
                    : ratio(fs.read(p.file("cpu.cfs_quota_us")), fs.read(p.file("cpu.cfs_period_us")));
            if (q > 0 && q < min) min = q;
        }
        return min == Double.MAX_VALUE ? 0 : min;
    }

    /** "quota period" of cpu.max as CPUs; 0 for "max" or garbage. */
    static double cpuMax(String s) {
        if (s == null) return 0;
        String[] f = Fields.of(s);
        return f.length == 2 ? ratio(f[0], f[1]) : 0;
    }

    private static double ratio(String quota, String period) {
        Long q = Values.limit(quota), p = Values.counter(period);
        if (q == null || p == null || p == 0 || q == Values.UNLIMITED || q <= 0) return 0;
        return (double) q / p;
    }

    /** cpuacct.usage_all as {user[], system[]}; falls back to usage_percpu (all counted as user). */
    private long[][] usageAll(Dir acct) {
        String all = fs.read(acct.file("cpuacct.usage_all"));
        if (all != null) {
            List<long[]> rows = new ArrayList<>();
            for (String line : all.split("\n")) {
                String[] f = Fields.of(line);
                if (f.length != 3) continue;
                Long cpu = Values.counter(f[0]), u = Values.counter(f[1]), s = Values.counter(f[2]);
                if (cpu != null && u != null && s != null && cpu < 65536) rows.add(new long[] {cpu, u, s});
            }
            if (!rows.isEmpty()) return toArrays(rows);
        }
        String pc = fs.read(acct.file("cpuacct.usage_percpu"));
        if (pc == null || pc.isBlank()) return null;
        List<long[]> rows = new ArrayList<>();
        String[] f = Fields.of(pc);
        for (int i = 0; i < f.length; i++) {
            Long v = Values.counter(f[i]);
            if (v == null) return null;
            rows.add(new long[] {i, v, 0});
        }
        return toArrays(rows);
    }

    private static long[][] toArrays(List<long[]> rows) {
        int n = (int) rows.stream().mapToLong(r -> r[0]).max().orElse(-1) + 1;
        long[][] out = new long[2][n];
        for (long[] r : rows) {
            out[0][(int) r[0]] = r[1];
            out[1][(int) r[0]] = r[2];
        }
        return out;
    }

    /**
     * Thread ids of {@code cgPath} and its descendants in {@code controller}'s hierarchy (v1 "tasks",
     * v2 "cgroup.threads"), at most {@link #MAX_THREADS}. Null if the cgroup cannot be read.
     */
    public int[] threads(String controller, String cgPath) {
        Path d = dir(controller, cgPath);
        if (d == null || !fs.exists(d)) return null;
        String file = h.isV2() ? "cgroup.threads" : "tasks";
        List<Integer> tids = new ArrayList<>();
        // a leaf cgroup (most containers) needs no walk, which would stat each control file
        try (Stream<Path> dirs = CgroupFs.isLeaf(d) ? Stream.of(d) : Files.walk(d)) {
            for (Path p : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                String s = fs.read(p.resolve(file));
                if (s == null) continue;
                for (String line : s.split("\n")) {
                    Long t = Values.counter(line);
                    if (t != null && t <= Integer.MAX_VALUE) tids.add(t.intValue());
                    if (tids.size() >= MAX_THREADS) break;
                }
                if (tids.size() >= MAX_THREADS) break;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return tids.stream().mapToInt(Integer::intValue).toArray();
    }
}
