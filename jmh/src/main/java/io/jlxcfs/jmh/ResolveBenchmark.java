package io.jlxcfs.jmh;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
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

import io.jlxcfs.cache.OpenFiles;
import io.jlxcfs.cache.ViewCache;
import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;
import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.host.ProcReader;
import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.VirtualFile;

/**
 * pid -> whose view. {@code target=self}: the benchmark's own pid on the real /proc (host pid
 * namespace: /proc/PID/status, then /proc/PID/cgroup and /proc/PID/stat); {@code target=FIXTURE:PID}
 * (default {@code v2:158}, a process in a nested pid namespace whose init is 156): the PPid walk
 * on a fixture tree's proc/.
 * <ul>
 * <li>{@code resolveFresh}: a new {@link CallerResolver} per call, so nothing is cached (for a
 * nested namespace: the walk every time);</li>
 * <li>{@code resolveReused}: one resolver, as the daemon keeps it (a nested namespace's init comes from
 * its cache, checked against the init's start time and namespace);</li>
 * <li>{@code cachedViewHit}: the daemon's cached path, {@code ViewCache.snapshot} of the
 * smallest file (sys/devices/system/cpu/online) with a 60 s freshness window: inotify drain + one
 * pread of the kept /proc/PID/cgroup compared with the text seen before + the buffer lookup.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ResolveBenchmark {

    @Param({"self", "v2:158"})
    public String target;

    private FixtureTree tree;
    private Path procRoot;
    private int pid;
    private CallerResolver reused;
    private ViewCache cache;

    @Setup
    public void setUp() {
        ViewConfig config;
        if (target.equals("self")) {
            config = ViewConfig.defaults();
            pid = (int) ProcessHandle.current().pid();
        } else {
            tree = FixtureTree.open(target);
            config = tree.config(false);
            pid = tree.pid();
        }
        procRoot = config.procRoot();
        reused = fresh();
        Caller c = reused.resolve(pid);
        if (c == null) throw new IllegalStateException("caller " + pid + " unresolvable");
        OpenFiles files = new OpenFiles(procRoot, 4096);
        cache = new ViewCache(new Views(config, files), files, procRoot, TimeUnit.SECONDS.toNanos(60), 64L << 20, System::nanoTime);
        ViewCacheBenchmark.size(cache.snapshot(VirtualFile.SYS_CPU_ONLINE, pid));
    }

    private CallerResolver fresh() {
        return new CallerResolver(new ProcReader(procRoot, new CgroupFs()));
    }

    @TearDown
    public void tearDown() {
        cache.close();
        if (tree != null) tree.close();
    }

    @Benchmark
    public Caller resolveFresh() {
        return fresh().resolve(pid);
    }

    @Benchmark
    public Caller resolveReused() {
        return reused.resolve(pid);
    }

    @Benchmark
    public long cachedViewHit() {
        return ViewCacheBenchmark.size(cache.snapshot(VirtualFile.SYS_CPU_ONLINE, pid));
    }
}
