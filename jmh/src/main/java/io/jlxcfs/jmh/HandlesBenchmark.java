package io.jlxcfs.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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

import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Node;

/**
 * The open-file table ({@link Handles}), shared by the threads as the daemon's FUSE workers share it
 * ({@code -t N} measures contention), with {@code held} other files open:
 * <ul>
 * <li>{@code openGetRelease}: one open file's life: open, the lookup every read makes, release;</li>
 * <li>{@code get}: the per-read lookup of an open fh;</li>
 * <li>{@code adoptUnknown}: a read on an fh this daemon never handed out (after a restart that took
 * the connection over): a handle is created for it; then released.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HandlesBenchmark {

    @Param({"0", "10000"})
    public int held;

    private Handles handles;
    private Node node;
    private long fh;
    private final AtomicLong unknown = new AtomicLong(1);

    @Setup
    public void setUp() {
        handles = new Handles();
        node = ReplyBenchmark.meminfoNode();
        for (int i = 0; i < held; i++) handles.open(node);
        fh = handles.open(node);
    }

    @Benchmark
    public Handles.Handle openGetRelease() {
        long f = handles.open(node);
        Handles.Handle h = handles.get(f, node);
        handles.release(f);
        return h;
    }

    @Benchmark
    public Handles.Handle get() {
        return handles.get(fh, node);
    }

    @Benchmark
    public Handles.Handle adoptUnknown() {
        long f = unknown.getAndIncrement();
        Handles.Handle h = handles.get(f, node);
        handles.release(f);
        return h;
    }
}
