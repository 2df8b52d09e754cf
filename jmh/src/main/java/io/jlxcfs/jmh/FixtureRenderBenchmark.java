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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.VirtualFile;

/**
 * Gather + render of each per-caller file over the fixture trees the golden tests use, through the
 * public view API ({@code new Views(ViewConfig)}, {@code render(file, caller)}) with the caller
 * resolved once in setup: the cost of a cache miss for a known caller, on fixed inputs (v1 2 CPUs
 * without swap, hybrid 4 CPUs with swap, a v2 container), independent of this host's cgroups.
 * The fixture files live in a temp copy (page cache), so reads are cheap regular-file reads, not
 * kernfs ones: see {@link ViewCacheBenchmark} for the real host. Callers in the host pid namespace get
 * the host's uptime (v1-basic, v1-hybrid-4cpu-swap, v2): their PROC_UPTIME measures that fallback;
 * {@code v2:158} (a nested pid namespace, whose view is its init 156's) renders a virtual one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FixtureRenderBenchmark {

    /** A fixture tree, optionally with the caller's pid: {@code v2:158} is a process in a nested pid namespace. */
    @Param({"v1-basic", "v1-hybrid-4cpu-swap", "v2", "v2:158"})
    public String fixture;

    @Param({"PROC_MEMINFO", "PROC_SWAPS", "PROC_CPUINFO", "PROC_STAT", "PROC_UPTIME", "SYS_CPU_ONLINE"})
    public String file;

    /** {@code --enable-cfs}: the CPU count follows the CFS quota. */
    @Param({"false"})
    public boolean cfs;

    private FixtureTree tree;
    private Views views;
    private VirtualFile vf;
    private Caller caller;

    @Setup
    public void setUp() {
        tree = FixtureTree.open(fixture);
        views = new Views(tree.config(cfs));
        vf = VirtualFile.valueOf(file);
        caller = views.callerResolver().resolve(tree.pid());
        if (caller == null) throw new IllegalStateException("fixture " + fixture + ": caller " + tree.pid() + " unresolvable");
    }

    @TearDown
    public void tearDown() {
        views.close();
        tree.close();
    }

    @Benchmark
    public byte[] render() {
        return views.render(vf, caller);
    }
}
