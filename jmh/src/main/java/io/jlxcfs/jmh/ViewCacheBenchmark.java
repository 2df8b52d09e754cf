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
import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.VirtualFile;

/**
 * What the daemon does for an offset-0 read, minus FUSE: {@code ViewCache.snapshot(file, pid)}
 * for the benchmark's own pid on the real host (/sys/fs/cgroup, /proc, /sys), built as the daemon
 * builds it (views over {@link OpenFiles}). {@code path=hit}: a 60 s freshness window, so after the
 * first render every call is inotify drain + pid -> view check (one pread of /proc/PID/cgroup) + map
 * lookup. {@code path=miss}: freshness 0, so every call also gathers through the kept-open
 * descriptors, renders and copies into a new off-heap buffer. The cache is shared by the threads
 * ({@code -t N} measures contention).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ViewCacheBenchmark {

    @Param({"hit", "miss"})
    public String path;

    @Param({"PROC_MEMINFO", "PROC_CPUINFO", "PROC_STAT", "PROC_UPTIME", "PROC_DISKSTATS", "SYS_CPU_ONLINE"})
    public String file;

    private ViewCache cache;
    private VirtualFile vf;
    private int pid;

    @Setup
    public void setUp() {
        long freshness = switch (path) {
            case "hit" -> TimeUnit.SECONDS.toNanos(60);
            case "miss" -> 0;
            default -> throw new IllegalArgumentException("path must be hit or miss: " + path);
        };
        cache = hostCache(freshness);
        vf = VirtualFile.valueOf(file);
        pid = (int) ProcessHandle.current().pid();
        if (size(cache.snapshot(vf, pid)) == 0) throw new IllegalStateException(file + " rendered empty");
    }

    /** The snapshot's size, after giving its reference back (as a reply does). */
    static long size(io.jlxcfs.vfs.Snapshot s) {
        try {
            return s.segment().byteSize();
        } finally {
            s.release();
        }
    }

    /** The daemon's cache over the real host: 4096 kept descriptors, 64 MiB of buffers. */
    static ViewCache hostCache(long freshnessNanos) {
        ViewConfig config = ViewConfig.defaults();
        OpenFiles files = new OpenFiles(config.procRoot(), 4096);
        Views views = new Views(config, files);
        if (!views.virtualising()) throw new IllegalStateException("no cgroup hierarchy at " + config.cgroupRoot());
        return new ViewCache(views, files, Path.of("/proc"), freshnessNanos, 64L << 20, System::nanoTime);
    }

    @TearDown
    public void tearDown() {
        ViewCache.Stats s = cache.stats();
        System.out.printf("%n[cache] hits %d misses %d invalidations %d fds %d watches %d%n",
                s.hits(), s.misses(), s.invalidations(), s.fdsHeld(), s.watches());
        cache.close();
    }

    @Benchmark
    public long snapshot() {
        return size(cache.snapshot(vf, pid));
    }
}
