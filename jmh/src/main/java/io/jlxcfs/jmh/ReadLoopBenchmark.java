package io.jlxcfs.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

import io.jlxcfs.bench.ReadLoop;

/**
 * The bench's reader loop (open + read to EOF + close) on the kernel's files, per loop kind: shows
 * which loop is cheapest and that the reader is not the bottleneck of {@code jlxcfs bench}. Run with
 * {@code -p file=/tmp/lxcfs-ref/proc/meminfo} to read a mount instead.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReadLoopBenchmark {

    @Param({"/proc/meminfo", "/proc/uptime", "/proc/stat"})
    public String file;

    @Param({"native", "channel", "stream"})
    public String reader;

    private ReadLoop loop;

    @Setup
    public void open() {
        loop = ReadLoop.Kind.valueOf(reader.toUpperCase(Locale.ROOT)).open(List.of(Path.of(file)));
    }

    @TearDown
    public void close() {
        loop.close();
    }

    @Benchmark
    public long readWhole() throws IOException {
        return loop.readWhole(0);
    }
}
