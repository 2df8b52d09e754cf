package io.jlxcfs.view;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;
import io.jlxcfs.caller.CgroupPaths;
import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.cgroup.CgroupReader;
import io.jlxcfs.cgroup.CpuStats;
import io.jlxcfs.cgroup.Hierarchies;
import io.jlxcfs.cgroup.Layout;
import io.jlxcfs.cgroup.MemoryStats;
import io.jlxcfs.daemon.Log;
import io.jlxcfs.host.HostCpuinfo;
import io.jlxcfs.host.HostMeminfo;
import io.jlxcfs.host.HostStat;
import io.jlxcfs.host.HostUptime;
import io.jlxcfs.host.ProcReader;
import io.jlxcfs.os.CgroupStats;
import io.jlxcfs.render.CpuPolicy;
import io.jlxcfs.render.CpuinfoRenderer;
import io.jlxcfs.render.MeminfoRenderer;
import io.jlxcfs.render.MemoryPolicy;
import io.jlxcfs.render.OnlineRenderer;
import io.jlxcfs.render.StatRenderer;
import io.jlxcfs.render.SwapsRenderer;
import io.jlxcfs.render.UptimeRenderer;
import io.jlxcfs.vfs.Renderer;
import io.jlxcfs.vfs.VirtualFile;
import io.jlxcfs.view.extra.CgroupDirs;
import io.jlxcfs.view.extra.ExtraViews;

/**
 * Entry point of the views: resolves whose view a read gets (the caller's pid namespace init, see
 * {@link CallerResolver}), gathers that cgroup's and the host's figures as records, and hands them to
 * the pure renderers. Anything unresolvable yields the host file; nothing here throws.
 */
public final class Views implements Renderer {

    private final ViewConfig config;
    private final CgroupFs fs;
    private final CgroupReader cgroups;
    private final ProcReader proc;
    /** The host's online CPU list: host cpuinfo is read again when it changes. */
    private final Path onlineFile;
    private final CallerResolver callers;
    private final ExtraViews extra;
    private volatile boolean passthrough;

    public Views(ViewConfig config) {
        this(config, new CgroupFs());
    }

    /** With a file reader of the test's choosing (to make cgroups vanish mid-read). */
    public Views(ViewConfig config, CgroupFs fs) {
        this.config = config;
        this.fs = fs;
        Hierarchies h = Hierarchies.detect(config.cgroupRoot());
        if (h.layout() == Layout.NONE) {
            Log.once(Log.WARNING, "no-cgroups", "no cgroup hierarchy found at %s; serving host files", config.cgroupRoot());
        }
        this.cgroups = new CgroupReader(h, fs);
        this.proc = new ProcReader(config.procRoot(), fs);
        this.onlineFile = config.sysRoot().resolve("devices/system/cpu/online");
        this.callers = new CallerResolver(proc);
        this.extra = new ExtraViews(config.procRoot(), config.loadavg(), fs);
    }

    public ViewConfig config() {
        return config;
    }

    /** SIGUSR2: serve every file from the host (true) or virtualise again (false). */
    public void setPassthrough(boolean on) {
        passthrough = on;
    }

    public boolean isPassthrough() {
        return passthrough;
    }

    /** The detected cgroup layout. */
    public Layout layout() {
        return cgroups.hierarchies().layout();
    }

    /** The reader of cgroup files, for a cache that keys on (cgroup path, file). */
    public CgroupReader cgroupReader() {
        return cgroups;
    }

    /** The caller resolution, for a cache that keys on the resolved cgroup. */
    public CallerResolver callerResolver() {
        return callers;
    }

    @Override
    public byte[] render(VirtualFile file, int pid) {
        if (!virtualising()) return host(file);
        Caller c;
        try {
            c = callers.resolve(pid);
        } catch (RuntimeException e) {
            Log.once(Log.ERR, "resolve-bug", "resolving caller %d failed, serving the host file: %s", pid, e);
            return host(file);
        }
        return render(file, c);
    }

    /** Whether files are rendered per caller at all (false in passthrough or without cgroups). */
    public boolean virtualising() {
        return !passthrough && !layoutUnknown();
    }

    /**
     * Renders {@code file} for an already resolved caller (null: the host file). The cache in
     * front of the views resolves callers itself and keys on the result.
     */
    public byte[] render(VirtualFile file, Caller caller) {
        try {
            if (!virtualising() || caller == null) return host(file);
            byte[] b = extraView(file, caller);
            if (b != null) return b;
            String s = view(file, caller);
            return s == null ? host(file) : s.getBytes(StandardCharsets.ISO_8859_1);
        } catch (RuntimeException | StackOverflowError e) {
            Log.once(Log.ERR, "view-bug:" + file, "rendering %s failed, serving the host file: %s", file.path(), e);
            return host(file);
        }
    }

    private boolean layoutUnknown() {
        return cgroups.hierarchies().layout() == Layout.NONE;
    }

    /** Stops the loadavg sampler (with {@code -l}). */
    @Override
    public void close() {
        extra.close();
    }

    /** The virtual content, or null for the host file. */
    private String view(VirtualFile file, Caller pid) {
        return switch (file) {
            case PROC_MEMINFO -> meminfo(pid);
            case PROC_SWAPS -> swaps(pid);
            case PROC_CPUINFO -> cpuinfo(pid);
            case PROC_STAT -> stat(pid);
            case PROC_UPTIME -> uptime(pid);
            case SYS_CPU_ONLINE -> online(pid);
            default -> null;
        };
    }

    /** The load, disk, slab and pressure files (they fall back to the host file themselves); null for the others. */
    private byte[] extraView(VirtualFile file, Caller c) {
        return switch (file) {
            case PROC_LOADAVG -> extra.loadavg(cgroupDirs(c));
            case PROC_DISKSTATS -> extra.diskstats(cgroupDirs(c));
            case PROC_SLABINFO -> extra.slabinfo(cgroupDirs(c));
            case PROC_PRESSURE_CPU -> extra.pressure("cpu", cgroupDirs(c));
            case PROC_PRESSURE_IO -> extra.pressure("io", cgroupDirs(c));
            case PROC_PRESSURE_MEMORY -> extra.pressure("memory", cgroupDirs(c));
            default -> null;
        };
    }

    /**
     * The caller's directories for the extra views. v1: the cpu, blkio and memory controller dirs;
     * hybrid adds the cgroup2 mount ({@code unified/}) joined with the "0::" path; pure v2: one dir
     * for all. A component is null where its hierarchy or path is unknown (the view then serves the host file).
     */
    public CgroupDirs cgroupDirs(Caller c) {
        if (c == null) return null;
        Hierarchies h = cgroups.hierarchies();
        CgroupPaths p = c.cgroups();
        if (h.isV2()) {
            Path d = cgroups.dir("cpu", p.unified());
            return d == null ? null : CgroupDirs.v2(d);
        }
        return new CgroupDirs(cgroups.dir("cpu", p.path("cpu", false)), cgroups.dir("blkio", p.path("blkio", false)),
                cgroups.dir("memory", p.path("memory", false)), unifiedDir(h, p.unified()), false);
    }

    /** Policy: on a hybrid host the cgroup2 hierarchy is mounted at {@code <root>/unified}; plain v1 has none. */
    static Path unifiedDir(Hierarchies h, String path) {
        if (h.layout() != Layout.HYBRID || path == null || !path.startsWith("/")) return null;
        Path base = h.root().resolve("unified");
        String rel = path.substring(1);
        for (String seg : rel.split("/")) {
            if (seg.equals("..") || seg.equals(".")) return null;
        }
        return rel.isEmpty() ? base : base.resolve(rel);
    }

    private String meminfo(Caller pid) {
        if (pid == null) return null;
        HostMeminfo host = proc.meminfo();
        if (host == null) return null;
        // without swap on the host (or with -u) the swap lines are 0 whatever the cgroup says
        MemoryStats m = memory(pid, config.swap() && host.kb("SwapTotal", 0) > 0);
        return m == null ? null : MeminfoRenderer.render(host, m, config.swap(), config.zswap());
    }

    private String swaps(Caller pid) {
        MemoryStats m = memory(pid, true);
        HostMeminfo host = m == null ? null : proc.meminfo();
        if (host == null) return null;
        return SwapsRenderer.render(MemoryPolicy.swapTotalKb(m, host, config.swap()),
                MemoryPolicy.swapUsedKb(m, config.swap()));
    }

    /**
     * Only the cpuset and quota are read (no usage), and the host's text at most once a second
     * while the online CPUs stay the same ({@link ProcReader#cpuinfo(String)}); the visible CPUs
     * are taken among its own blocks, so the text and the numbering always agree.
     */
    private String cpuinfo(Caller c) {
        CpuStats limits = cpuLimits(c);
        if (limits == null) return null;
        HostCpuinfo host = proc.cpuinfo(fs.read(onlineFile));
        if (host == null) return null;
        int[] cpus = host.cpuNumbers();
        if (cpus.length == 0) return null;
        return CpuinfoRenderer.render(host, CpuPolicy.visible(cpus, limits, config.cfs()));
    }

    private String online(Caller c) {
        CpuStats limits = cpuLimits(c);
        if (limits == null) return null;
        int[] cpus = onlineCpus();
        if (cpus == null) return null;
        return OnlineRenderer.render(CpuPolicy.visible(cpus, limits, config.cfs()).length);
    }

    /** The caller's cpuset and quota only (cpuinfo and the online list need no usage); null if unreadable. */
    private CpuStats cpuLimits(Caller c) {
        if (c == null) return null;
        boolean v2 = cgroups.hierarchies().isV2();
        return logIfUnreadable(cgroups.cpuLimits(c.cgroups().path("cpu", v2), c.cgroups().path("cpuset", v2)), c);
    }

    /**
     * The caller's CPU figures as one view needs them ({@link CgroupReader#cpu(String, String, String, boolean)});
     * null if unreadable.
     */
    private CpuStats cpuStats(Caller c, boolean perCpu) {
        boolean v2 = cgroups.hierarchies().isV2();
        return logIfUnreadable(cgroups.cpu(c.cgroups().path("cpu", v2), c.cgroups().path("cpuacct", v2),
                c.cgroups().path("cpuset", v2), perCpu), c);
    }

    private static CpuStats logIfUnreadable(CpuStats s, Caller c) {
        if (s == null) {
            Log.once(Log.INFO, "cpu-cgroup-unreadable", "cpu/cpuset cgroups of %d unreadable; serving host files", c.pid());
        }
        return s;
    }

    private String stat(Caller pid) {
        CpuView v = cpu(pid);
        if (v == null) return null;
        long[][] rows = CpuPolicy.statRows(v.host, v.visible, v.stats);
        int[] counts = taskStates(v.caller);
        return StatRenderer.render(v.host, rows, counts[0], counts[1]);
    }

    /** Needs the usage total and the number of visible CPUs only: no per-CPU split, no host /proc/stat. */
    private String uptime(Caller c) {
        if (c == null || c.sharedNs()) return null;
        CpuStats s = cpuStats(c, false);
        if (s == null) return null;
        int[] cpus = onlineCpus();
        HostUptime host = cpus == null ? null : proc.uptime();
        if (host == null) return null;
        int visible = CpuPolicy.visible(cpus, s, config.cfs()).length;
        double[] u = CpuPolicy.uptime(host.uptime(), c.startTime(), s.usageNs(), visible);
        return UptimeRenderer.render(u[0], u[1]);
    }

    /** The host's online CPUs: the sysfs list (one small pread), else /proc/stat's cpuN lines; null if neither. */
    private int[] onlineCpus() {
        int[] cpus = io.jlxcfs.cgroup.CpuList.parse(fs.read(onlineFile));
        if (cpus != null && cpus.length > 0) return cpus;
        HostStat host = proc.stat();
        return host == null || host.cpus().isEmpty() ? null : host.cpuNumbers();
    }

    private MemoryStats memory(Caller c, boolean swap) {
        if (c == null) return null;
        int pid = c.pid();
        String path = c.cgroups().path("memory", cgroups.hierarchies().isV2());
        MemoryStats m = path == null ? null : cgroups.memory(path, swap);
        if (m == null) Log.once(Log.INFO, "memory-cgroup-unreadable", "memory cgroup %s of %d unreadable; serving host files", path, pid);
        return m;
    }

    /** A caller's CPU figures with the host's stat and the visible CPUs. */
    private record CpuView(Caller caller, CpuStats stats, HostStat host, int[] visible) {
    }

    private CpuView cpu(Caller c) {
        if (c == null) return null;
        CpuStats s = cpuStats(c, true);
        if (s == null) return null;
        HostStat host = proc.stat();
        if (host == null || host.cpus().isEmpty()) return null;
        return new CpuView(c, s, host, CpuPolicy.visible(host.cpuNumbers(), s, config.cfs()));
    }

    /**
     * Threads running and blocked in the caller's cpu cgroup and below. On cgroup v1 the kernel
     * counts them (taskstats' cgroupstats, one netlink request per cgroup: running, and
     * uninterruptible or in I/O wait); elsewhere one read of "tasks" / "cgroup.threads" per cgroup
     * plus one /proc/TID/stat per thread (states R and D). The root cgroup keeps the host's lines.
     *
     * @return {running, blocked}, -1 for "use the host's"
     */
    private int[] taskStates(Caller c) {
        boolean v2 = cgroups.hierarchies().isV2();
        String path = c.cgroups().path("cpu", v2);
        if (path == null || path.equals("/")) return new int[] {-1, -1};
        if (!v2) {
            Path d = cgroups.dir("cpu", path);
            CgroupStats.Counts k = d == null ? null : CgroupStats.subtree(fs, d);
            if (k != null) return new int[] {(int) Math.min(k.running(), Integer.MAX_VALUE),
                (int) Math.min(k.uninterruptible() + k.ioWait(), Integer.MAX_VALUE)};
        }
        int[] tids = cgroups.threads("cpu", path);
        if (tids == null) return new int[] {-1, -1};
        int running = 0, blocked = 0;
        for (int t : tids) {
            char s = proc.state(t);
            if (s == 'R') running++;
            else if (s == 'D') blocked++;
        }
        return new int[] {running, blocked};
    }

    /** The host file, verbatim (the fallback for anything unresolvable). */
    byte[] host(VirtualFile file) {
        String hp = file.hostPath();
        Path p = hp.startsWith("/proc/") ? config.procRoot().resolve(hp.substring(6))
                : config.sysRoot().resolve(hp.substring(5));
        return ExtraViews.hostFile(fs, p, hp);
    }
}
