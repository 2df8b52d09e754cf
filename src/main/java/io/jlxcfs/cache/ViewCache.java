package io.jlxcfs.cache;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CgroupPaths;
import io.jlxcfs.cgroup.CgroupReader;
import io.jlxcfs.daemon.Log;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.Renderer;
import io.jlxcfs.vfs.Snapshot;
import io.jlxcfs.vfs.VirtualFile;

/**
 * Rendered buffers per (file, view), off-heap, in front of the views. A buffer is served again
 * while it is younger than the freshness window and no cgroup event arrived since it was
 * rendered (limits: at once, through {@link Invalidator}; usage counters: within the window).
 * Whose view a read gets is still decided per read ({@link CallerCache}: one pread), so two
 * containers never share a buffer and a process that moved sees its new cgroup on its next read.
 *
 * <p>Buffers are malloc'd and reference-counted ({@link Buffer}): a buffer an open file still
 * slices stays valid after it is evicted and is freed when the last holder lets go. The cap
 * bounds what the cache holds; buffers past any use are dropped once a second.
 */
public final class ViewCache implements Renderer {

    /** What identifies a view: the file, the cgroups, and for nested pid namespaces their init. */
    record Key(VirtualFile file, CgroupPaths cgroups, int init, long initStart) {
    }

    private record Entry(Buffer buffer, long renderedAt, long epoch) {
    }

    /** When a view's cgroup directories were last put under watch, and in which epoch. */
    private record Walked(long epoch, long at) {
    }

    /**
     * A view's directories are walked and watched again after this long even in an unchanged
     * epoch (refreshing their use, so idle-watch expiry never takes a watch a view relies on).
     */
    private static final long REWALK_NANOS = 5_000_000_000L;

    /**
     * Counters for operators ({@code jlxcfs stats}).
     *
     * @param callersProven opens whose caller was known in place without reading anything
     * @param callerCpusetReads opens that re-read only the caller's {@code /proc/PID/cpuset} (and its init's):
     *                      past the window with no cgroup write seen, where a hotplug may have moved it
     * @param callerReads   opens that re-read the caller's {@code /proc/PID/cgroup} (and its namespace init's)
     * @param cgroupWrites  writes to cgroup files seen (fanotify; those to task files make callers re-check once)
     * @param callersResolved callers resolved afresh (a new pid, or one that moved or whose files were gone)
     */
    public record Stats(long hits, long misses, long invalidations, long evictions, long bytes, int entries,
                        int fdsHeld, int callers, int watches, long callersProven, long callerCpusetReads,
                        long callerReads, long cgroupWrites,
                        long callersResolved) {
    }

    private final Views views;
    private final OpenFiles files;
    private final CallerCache callers;
    private final Invalidator invalidator;
    private final Changes changes;
    private final Hotplug hotplug;
    private final long freshnessNanos;
    private final long maxBytes;
    private final LongSupplier clock;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<CgroupPaths, Walked> walked = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder hits = new LongAdder(), misses = new LongAdder(), evictions = new LongAdder();
    private final long keepNanos;
    private final Thread maintenance;

    /**
     * @param views          the renderers (built on {@code files})
     * @param files          the open cgroup/proc files the views read through
     * @param procRoot       the host procfs
     * @param freshnessNanos how old a buffer may be; 0 renders on every offset-0 read
     * @param maxBytes       cap on the buffers held
     * @param clock          nanoTime
     */
    public ViewCache(Views views, OpenFiles files, Path procRoot, long freshnessNanos, long maxBytes, LongSupplier clock) {
        this(views, files, procRoot, freshnessNanos, maxBytes, clock, Changes.cgroupMounts(procRoot.resolve("self/mountinfo")),
                new Hotplug(views.config().sysRoot(), freshnessNanos, clock), Hotplug.cpusetOnV1(procRoot));
    }

    /**
     * @param cgroupMounts the cgroup filesystems whose writes prove callers in place (none: read per open)
     * @param hotplug      the online CPU and memory-node sets (with fanotify, proof past the window)
     * @param cpusetOnV1   cpuset is a v1 hierarchy (a hotplug may move tasks: callers are checked past the window)
     */
    ViewCache(Views views, OpenFiles files, Path procRoot, long freshnessNanos, long maxBytes, LongSupplier clock,
              List<Path> cgroupMounts, Hotplug hotplug, boolean cpusetOnV1) {
        this.views = views;
        this.files = files;
        this.freshnessNanos = freshnessNanos;
        this.maxBytes = maxBytes;
        this.clock = clock;
        CgroupReader reader = views.cgroupReader();
        this.invalidator = new Invalidator(d -> {
            files.forget(d);
            reader.forget(d);
        }, 16384);
        this.changes = new Changes(invalidator, cgroupMounts, this::exited);
        this.hotplug = hotplug;
        if (changes.provesMoves() && !cpusetOnV1) {
            Log.info("caller checks: cpuset is not a v1 hierarchy, so only a task-file write moves a task; a caller's "
                    + "cgroup file is re-read only after one");
        } else if (changes.provesMoves() && hotplug.active()) {
            Log.info("caller checks: CPU and memory-node hotplug watched too; a caller's cgroup file is re-read only "
                    + "after a task-file write, its cpuset file only after a hotplug, not once per freshness window");
        }
        this.callers = new CallerCache(views.callerResolver(), procRoot, callerCap(OpenFiles.fdLimit()), freshnessNanos,
                changes, hotplug, cpusetOnV1, clock);
        files.memoize(invalidator::epoch, invalidator::watched, freshnessNanos);
        this.keepNanos = Math.max(1_000_000_000L, 10 * freshnessNanos);
        this.maintenance = Thread.ofPlatform().daemon().name("jlxcfs-cache").unstarted(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(1000);
                    maintain();
                } catch (InterruptedException ie) {
                    return;
                } catch (RuntimeException ex) {
                    Log.once(Log.WARNING, "cache-maintenance", "cache maintenance failed: %s", ex);
                }
            }
        });
    }

    /** Starts the once-a-second maintenance (the daemon does; tests may call {@link #maintain()}). */
    public ViewCache start() {
        maintenance.start();
        return this;
    }

    @Override
    public byte[] render(VirtualFile file, int pid) {
        Snapshot s = snapshot(file, pid);
        try {
            return s.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } finally {
            s.release();
        }
    }

    @Override
    public Snapshot snapshot(VirtualFile file, int pid) {
        if (!views.virtualising()) return Snapshot.of(views.render(file, pid));
        changes.poll();
        Caller c = callers.resolve(pid);
        Key key = c == null ? new Key(file, null, -1, -1)
                : new Key(file, c.cgroups(), c.sharedNs() ? 0 : c.viewPid(), c.sharedNs() ? 0 : c.startTime());
        long now = clock.getAsLong();
        long epoch = invalidator.epoch();
        Entry e = entries.get(key);
        if (e != null && e.epoch() == epoch && now - e.renderedAt() < freshnessNanos && e.buffer().retain()) {
            hits.increment();
            return e.buffer();
        }
        misses.increment();
        if (c != null) {
            // a miss needs its directories watched; in an unchanged epoch they still are
            Walked w = walked.get(c.cgroups());
            if (w == null || w.epoch() != epoch || now - w.at() > REWALK_NANOS) {
                watchCgroups(c);
                walked.put(c.cgroups(), new Walked(epoch, now));
            }
        }
        byte[] b = views.render(file, c);
        Buffer buf = freshnessNanos > 0 ? Buffer.copyOf(b) : null;
        if (buf == null) return Snapshot.of(b); // not cached (window 0), or malloc failed
        buf.retain(); // the caller's reference; the first one is the cache's
        Entry prev = entries.put(key, new Entry(buf, now, epoch));
        bytes.addAndGet(buf.size());
        if (prev != null) drop(prev);
        if (bytes.get() > maxBytes) evict();
        return buf;
    }

    /**
     * How many callers are kept: each holds up to five descriptors (its cgroup and cpuset files,
     * its namespace init's, a pidfd) and the kept cgroup files take up to half the limit, so a
     * tenth of it, at least 1024 and at most 65,536. Fewer than the callers actually reading would make
     * them evict each other and be resolved again on every read.
     */
    static int callerCap(long fdLimit) {
        return (int) Math.clamp(fdLimit / 10, 1024, 65_536);
    }

    /** A caller's pidfd became readable (see {@link Changes}). */
    private void exited(int pid) {
        callers.exited(pid);
    }

    private void drop(Entry e) {
        bytes.addAndGet(-e.buffer().size());
        e.buffer().release();
    }

    /**
     * Once a second: apply cgroup events even when nobody reads, drop buffers past any use (older
     * than {@link #keepNanos} or from an older epoch), callers that exited, descriptors of files
     * nobody read for a while. Keeps memory flat however many cgroups come and go.
     */
    void maintain() {
        changes.poll();
        long now = clock.getAsLong();
        long epoch = invalidator.epoch();
        for (Map.Entry<Key, Entry> x : entries.entrySet()) {
            Entry e = x.getValue();
            if ((now - e.renderedAt() > keepNanos || e.epoch() != epoch) && entries.remove(x.getKey(), e)) {
                drop(e);
            }
        }
        walked.values().removeIf(w -> w.epoch() != epoch || now - w.at() > REWALK_NANOS);
        callers.prune();
        files.prune(now, 30_000_000_000L);
        // a watch outlives every buffer rendered while it was last confirmed (up to REWALK_NANOS
        // before the render) by that buffer's freshness window
        invalidator.prune(Math.max(60_000_000_000L, freshnessNanos + REWALK_NANOS + 1_000_000_000L));
    }

    /** The directories whose limit files shape this caller's views: its cgroups and their ancestors. */
    private void watchCgroups(Caller c) {
        CgroupReader r = views.cgroupReader();
        boolean v2 = r.hierarchies().isV2();
        for (String ctl : v2 ? List.of("memory") : List.of("memory", "cpu", "cpuacct", "cpuset")) {
            String path = c.cgroups().path(ctl, v2);
            Path top = r.dir(ctl, "/");
            for (Path d = r.dir(ctl, path); d != null; d = d.getParent()) {
                invalidator.watch(d);
                if (d.equals(top)) break;
            }
        }
    }

    /** Drops the oldest quarter of the buffers (by render time). */
    private synchronized void evict() {
        if (bytes.get() <= maxBytes) return;
        List<Map.Entry<Key, Entry>> all = new ArrayList<>(entries.entrySet());
        all.sort(Comparator.comparingLong(x -> x.getValue().renderedAt()));
        long target = maxBytes * 3 / 4;
        for (Map.Entry<Key, Entry> x : all) {
            if (bytes.get() <= target) break;
            if (entries.remove(x.getKey(), x.getValue())) {
                drop(x.getValue());
                evictions.increment();
            }
        }
    }

    public Stats stats() {
        return new Stats(hits.sum(), misses.sum(), invalidator.invalidations(), evictions.sum(), bytes.get(),
                entries.size(), files.held() + callers.fds(), callers.size(), invalidator.watches(),
                callers.proven.sum(), callers.cpusetChecks.sum(), callers.checked.sum(), changes.moveEvents(), callers.resolved.sum());
    }

    /** Forgets everything (reload, passthrough toggles). */
    public void clear() {
        for (Key k : List.copyOf(entries.keySet())) {
            Entry e = entries.remove(k);
            if (e != null) drop(e);
        }
        walked.clear();
        callers.clear();
        views.callerResolver().clear();
    }

    @Override
    public void close() {
        try {
            maintenance.interrupt();
            callers.clear();
            changes.close();
            hotplug.close();
            invalidator.close();
            files.close();
            views.close();
        } catch (RuntimeException e) {
            Log.warn("closing the cache: %s", e);
        }
    }
}
