package io.jlxcfs.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;
import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.cgroup.CgroupReader;
import io.jlxcfs.cgroup.CpuStats;
import io.jlxcfs.cgroup.Hierarchies;
import io.jlxcfs.cgroup.MemoryStats;
import io.jlxcfs.host.HostCpuinfo;
import io.jlxcfs.host.HostMeminfo;
import io.jlxcfs.host.HostStat;
import io.jlxcfs.host.HostUptime;
import io.jlxcfs.host.ProcReader;
import io.jlxcfs.render.CpuPolicy;
import io.jlxcfs.render.CpuinfoRenderer;
import io.jlxcfs.render.MeminfoRenderer;
import io.jlxcfs.render.MemoryPolicy;
import io.jlxcfs.render.OnlineRenderer;
import io.jlxcfs.render.StatRenderer;
import io.jlxcfs.render.SwapsRenderer;
import io.jlxcfs.render.UptimeRenderer;

/**
 * The pure renderers (io.jlxcfs.render) alone: the records are gathered once in setup from a fixture
 * tree (what {@code Views} would gather for the fixture's caller), each benchmark is the policy +
 * renderer call {@code Views} makes for that file, with no I/O. Differences against
 * {@link FixtureRenderBenchmark} are the gather (file reads and parsing). The stat renderer gets
 * fixed task counts (1 running, 0 blocked) instead of counting the cgroup's threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PureRenderBenchmark {

    @Param({"v1-basic", "v1-hybrid-4cpu-swap", "v2"})
    public String fixture;

    @Param({"false"})
    public boolean cfs;

    private HostMeminfo meminfo;
    private HostCpuinfo cpuinfo;
    private HostStat stat;
    private HostUptime uptime;
    private MemoryStats memory;
    private CpuStats cpu;
    private Caller caller;
    private int[] visible;

    @Setup
    public void gather() {
        try (FixtureTree tree = FixtureTree.open(fixture)) {
            CgroupFs fs = new CgroupFs();
            ProcReader proc = new ProcReader(tree.procRoot(), fs);
            CgroupReader cgroups = new CgroupReader(Hierarchies.detect(tree.cgroupRoot()), fs);
            boolean v2 = cgroups.hierarchies().isV2();
            caller = new CallerResolver(proc).resolve(tree.pid());
            if (caller == null) throw new IllegalStateException("fixture " + fixture + ": caller unresolvable");
            meminfo = proc.meminfo();
            cpuinfo = proc.cpuinfo();
            stat = proc.stat();
            uptime = proc.uptime();
            memory = cgroups.memory(caller.cgroups().path("memory", v2));
            cpu = cgroups.cpu(caller.cgroups().path("cpu", v2), caller.cgroups().path("cpuacct", v2),
                    caller.cgroups().path("cpuset", v2));
            if (meminfo == null || cpuinfo == null || stat == null || uptime == null || memory == null || cpu == null) {
                throw new IllegalStateException("fixture " + fixture + ": a record could not be gathered");
            }
            visible = CpuPolicy.visible(stat.cpuNumbers(), cpu, cfs);
        }
    }

    @Benchmark
    public String meminfo() {
        return MeminfoRenderer.render(meminfo, memory, true, true);
    }

    @Benchmark
    public String swaps() {
        return SwapsRenderer.render(MemoryPolicy.swapTotalKb(memory, meminfo, true), MemoryPolicy.swapUsedKb(memory, true));
    }

    @Benchmark
    public String cpuinfo() {
        return CpuinfoRenderer.render(cpuinfo, visible);
    }

    @Benchmark
    public String stat() {
        return StatRenderer.render(stat, CpuPolicy.statRows(stat, visible, cpu), 1, 0);
    }

    /** Rendered as for a nested pid namespace (Views serves the host's uptime to host-namespace callers). */
    @Benchmark
    public String uptime() {
        double[] u = CpuPolicy.uptime(uptime.uptime(), caller.startTime(), cpu.usageNs(), visible.length);
        return UptimeRenderer.render(u[0], u[1]);
    }

    @Benchmark
    public String online() {
        return OnlineRenderer.render(visible.length);
    }

    /** The visible-CPU policy every CPU file starts with. */
    @Benchmark
    public int[] visibleCpus() {
        return CpuPolicy.visible(stat.cpuNumbers(), cpu, cfs);
    }
}
