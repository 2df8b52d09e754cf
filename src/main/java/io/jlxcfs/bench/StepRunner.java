package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * Runs one measurement: {@code threads} readers, each in its reader cgroup, warm up with
 * {@code warmup} unmeasured reads, start together, then loop open + read to EOF + close on one file
 * until the duration is up, timing each whole iteration into an HdrHistogram. Back to back by
 * default; with an interval each reader reads once per interval (on a fixed schedule, as a
 * sampling agent does), so every read meets a server that sat idle in between. Nothing is allocated
 * in the timed loop (with the {@link ReadLoop.Kind#NATIVE} loop): the histogram, buffer and paths
 * exist before the start.
 */
final class StepRunner {

    /** Longest latency tracked exactly; longer ones are clamped in the histogram (the max stays exact). */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    /** Results of one step, the histogram holding every thread's samples. */
    record Result(Histogram histogram, long reads, long bytes, long wallNanos, long maxNanos,
                  long serverCpuTicks, long serverRssKb) {
    }

    /** Set by the shutdown hook: readers stop at their next iteration. */
    static volatile boolean stop;

    private final ReadLoop.Kind kind;
    private final BenchCgroup cgroup;
    private final int warmup;
    private final long durationNanos;
    private final long intervalNanos;

    /**
     * @param cgroup        where readers go, null to stay in the bench's own cgroup
     * @param intervalNanos time from one read's start to the next one's, 0 for back to back
     */
    StepRunner(ReadLoop.Kind kind, BenchCgroup cgroup, int warmup, long durationNanos, long intervalNanos) {
        this.kind = kind;
        this.cgroup = cgroup;
        this.warmup = warmup;
        this.durationNanos = durationNanos;
        this.intervalNanos = intervalNanos;
    }

    /**
     * @param fleet each thread in its own cgroup (thread i in cgroup i) and all recording into one
     *              shared atomic histogram (hundreds of private ones would not fit the memory limit)
     */
    Result run(Path file, int threads, boolean fleet, int serverPid) throws IOException {
        Histogram shared = fleet ? new AtomicHistogram(HIGHEST_NANOS, 3) : null;
        Reader[] readers = new Reader[threads];
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < threads; i++) {
            readers[i] = new Reader(file, fleet ? i : 0, shared != null ? shared : new Histogram(HIGHEST_NANOS, 3), start, failure);
        }
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = Thread.ofPlatform().name("bench-reader-" + i).daemon().start(readers[i]);
        }
        awaitStart(start);
        ServerStats.Sample before = ServerStats.sample(serverPid);
        joinAll(ts);
        ServerStats.Sample after = ServerStats.sample(serverPid);
        if (failure.get() != null) throw new IOException("reading " + file + ": " + failure.get().getMessage(), failure.get());
        return collect(readers, shared, before, after);
    }

    private static void awaitStart(CyclicBarrier start) throws IOException {
        try {
            start.await();
        } catch (BrokenBarrierException e) {
            // a reader failed before the start; run() reports its cause after the join
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static void joinAll(Thread[] ts) throws IOException {
        try {
            for (Thread t : ts) t.join();
        } catch (InterruptedException e) {
            stop = true;
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static Result collect(Reader[] readers, Histogram shared, ServerStats.Sample before, ServerStats.Sample after) {
        Histogram all = shared != null ? shared : new Histogram(HIGHEST_NANOS, 3);
        long reads = 0, bytes = 0, max = 0, begin = Long.MAX_VALUE, end = Long.MIN_VALUE;
        for (Reader r : readers) {
            if (shared == null) all.add(r.histogram);
            reads += r.reads;
            bytes += r.bytes;
            max = Math.max(max, r.max);
            begin = Math.min(begin, r.begin);
            end = Math.max(end, r.end);
        }
        long ticks = before.valid() && after.valid() ? after.cpuTicks() - before.cpuTicks() : -1;
        return new Result(all, reads, bytes, Math.max(0, end - begin), max, ticks, after.rssKb());
    }

    /** One reader thread. */
    private final class Reader implements Runnable {
        private final Path file;
        private final int cgroupIndex;
        private final Histogram histogram;
        private final CyclicBarrier start;
        private final AtomicReference<Throwable> failure;
        long reads, bytes, max, begin, end;

        Reader(Path file, int cgroupIndex, Histogram histogram, CyclicBarrier start, AtomicReference<Throwable> failure) {
            this.file = file;
            this.cgroupIndex = cgroupIndex;
            this.histogram = histogram;
            this.start = start;
            this.failure = failure;
        }

        @Override
        public void run() {
            try (ReadLoop loop = kind.open(List.of(file))) {
                if (cgroup != null) cgroup.enterThread(cgroupIndex);
                for (int i = 0; i < warmup && !stop; i++) loop.readWhole(0);
                start.await();
                measure(loop);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                start.reset();
            }
        }

        private void measure(ReadLoop loop) throws IOException {
            begin = System.nanoTime();
            end = begin;
            long deadline = begin + durationNanos;
            long next = begin;
            while (!stop && failure.get() == null) {
                if (intervalNanos > 0) {
                    next += intervalNanos;
                    if (next > deadline) break;
                    sleepUntil(next);
                }
                long t0 = System.nanoTime();
                long n = loop.readWhole(0);
                long t1 = System.nanoTime();
                long ns = t1 - t0;
                histogram.recordValue(Math.min(ns, HIGHEST_NANOS));
                if (ns > max) max = ns;
                reads++;
                bytes += n;
                end = t1;
                if (t1 >= deadline) break;
            }
        }
    }

    /** Parks until {@code nanoTime} reaches {@code until} (returns at once when it already has). */
    static void sleepUntil(long until) {
        for (long left; (left = until - System.nanoTime()) > 0 && !stop; ) LockSupport.parkNanos(left);
    }
}
