package io.jlxcfs.jmh;

import java.nio.file.Files;
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
import io.jlxcfs.caller.CgroupPaths;
import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.cgroup.CgroupReader;
import io.jlxcfs.cgroup.Hierarchies;

/**
 * One whole read of a real cgroup or proc file: {@link OpenFiles#read} (descriptor kept open,
 * one pread at offset 0, what the cache's views do) against the plain {@link CgroupFs#read}
 * (open + fstat + read + close through {@code Files.readAllBytes}, what {@code Views} alone does).
 * A relative {@code file} is resolved in the benchmark's own memory cgroup (v1:
 * {@code /sys/fs/cgroup/memory/<own path>/}, v2: the unified own path); an absolute one is read as is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CgroupReadBenchmark {

    @Param({"memory.usage_in_bytes", "memory.stat", "/proc/meminfo"})
    public String file;

    private OpenFiles kept;
    private CgroupFs plain;
    private Path p;

    @Setup
    public void setUp() {
        p = resolve(file);
        if (!Files.isReadable(p)) throw new IllegalStateException("unreadable: " + p);
        kept = new OpenFiles(Path.of("/proc"), 16);
        plain = new CgroupFs();
        if (kept.read(p) == null || plain.read(p) == null) throw new IllegalStateException("cannot read " + p);
    }

    /** {@code file} in the own memory cgroup, or as given when absolute. */
    static Path resolve(String file) {
        if (file.startsWith("/")) return Path.of(file);
        Hierarchies h = Hierarchies.detect(Path.of("/sys/fs/cgroup"));
        CgroupFs fs = new CgroupFs();
        CgroupPaths own = CgroupPaths.parse(fs.read(Path.of("/proc/self/cgroup")));
        Path dir = own == null ? null : new CgroupReader(h, fs).dir("memory", own.path("memory", h.isV2()));
        if (dir == null) throw new IllegalStateException("own memory cgroup not found");
        return dir.resolve(file);
    }

    @TearDown
    public void tearDown() {
        kept.close();
    }

    @Benchmark
    public String openFiles() {
        return kept.read(p);
    }

    @Benchmark
    public String cgroupFs() {
        return plain.read(p);
    }
}
