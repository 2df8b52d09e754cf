package io.jlxcfs.view.extra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.jlxcfs.daemon.Log;

/**
 * Per-cgroup load averages, kept by one sampler thread. A cgroup is registered on its first read
 * (its load starts at 0.00, as in lxcfs and in a freshly booted kernel), sampled every
 * {@code interval} (5 s, the kernel's LOAD_FREQ) and dropped when its directory disappears or
 * nobody read it for {@code idle}. Readers only ever get the last published {@link Snapshot}: they
 * never wait for a sweep.
 */
public final class LoadSampler implements AutoCloseable {

    /** What a reader sees: the published averages and the counts of the last sample. */
    public record Snapshot(LoadAvg load, TaskCounts tasks) {
        static final Snapshot ZERO = new Snapshot(LoadAvg.ZERO, TaskCounts.NONE);
    }

    private static final class Node {
        final Path dir;
        volatile Snapshot published = Snapshot.ZERO;
        volatile long lastRead;
        boolean counted;    // sampler thread only

        Node(Path dir, long now) {
            this.dir = dir;
            this.lastRead = now;
        }
    }

    private final Path procRoot;
    private final long idleNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Path, Node> nodes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService exec;
    private Map<Integer, TaskCounter.NsPid> nsPids = Map.of();   // sampler thread only

    /** A running sampler with its own thread. */
    public LoadSampler(Path procRoot, Duration interval, Duration idle) {
        this(procRoot, idle, System::nanoTime, true);
        exec.scheduleAtFixedRate(this::sweepSafely, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A sampler driven by hand through {@link #sweep()} (tests), with an injectable clock. */
    LoadSampler(Path procRoot, Duration idle, LongSupplier nanoTime, boolean threaded) {
        this.procRoot = procRoot;
        this.idleNanos = idle.toNanos();
        this.nanoTime = nanoTime;
        this.exec = threaded ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jlxcfs-loadavg");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** The last published values for {@code dir}; registers it (and asks for a first count) if new. */
    public Snapshot read(Path dir) {
        long now = nanoTime.getAsLong();
        Node n = nodes.get(dir);
        if (n == null) {
            Node fresh = new Node(dir, now);
            n = nodes.putIfAbsent(dir, fresh);
            if (n == null) {
                n = fresh;
                requestFirstCount(fresh);
            }
        }
        n.lastRead = now;
        return n.published;
    }

    /** Number of cgroups currently sampled. */
    public int size() {
        return nodes.size();
    }

    /**
     * One sampling tick: drops stale cgroups, counts the rest (sharing per-directory and
     * per-thread reads between nested cgroups) and publishes their new averages.
     */
    synchronized void sweep() {
        long now = nanoTime.getAsLong();
        TaskCounter counter = new TaskCounter(procRoot, nsPids);
        for (Node n : nodes.values()) {
            TaskCounts c = now - n.lastRead > idleNanos ? null : counter.count(n.dir);
            if (c == null) {
                if (now - n.lastRead > idleNanos || !Files.isDirectory(n.dir)) nodes.remove(n.dir, n);
                continue;
            }
            n.counted = true;
            n.published = new Snapshot(n.published.load().next(c.active()), c);
        }
        nsPids = counter.nsPids();
    }

    /** Publishes counts (not yet an average step) for a node nobody has counted. */
    synchronized void countNew() {
        TaskCounter counter = new TaskCounter(procRoot, nsPids);
        for (Node n : nodes.values()) {
            if (n.counted) continue;
            TaskCounts c = counter.count(n.dir);
            n.counted = true;
            if (c != null) n.published = new Snapshot(n.published.load(), c);
        }
    }

    private void requestFirstCount(Node n) {
        if (exec == null) return;
        try {
            exec.execute(this::countNewSafely);
        } catch (RejectedExecutionException e) {
            // closed: the node stays at zero
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (Throwable t) {
            Log.once(Log.WARNING, "loadavg-sweep", "loadavg sampling failed: %s", t);
        }
    }

    private void countNewSafely() {
        try {
            countNew();
        } catch (Throwable t) {
            Log.once(Log.WARNING, "loadavg-count", "loadavg first count failed: %s", t);
        }
    }

    @Override
    public void close() {
        if (exec != null) exec.shutdownNow();
    }
}
