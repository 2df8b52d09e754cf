package io.jlxcfs.cache;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The one way the kernel moves a task to another cgroup without a write to a cgroup file: cgroup
 * v1's cpuset moves the tasks of a cpuset whose CPUs or memory nodes all went offline to its
 * parent (from a work item, shortly after the hotplug). {@link Changes} sees every move made by a
 * write; this sees the hotplugs, by comparing the online CPU and memory-node sets with what they
 * were, at most once per window for the whole daemon (one small sysfs {@code pread} each, instead
 * of one {@code /proc/PID/cpuset} read per caller per window).
 *
 * <p>A caller last checked before a change was seen, or within {@link #GRACE_NANOS} after it (the
 * moves may still be coming), must be checked again; one checked later is in place. Without the
 * files (no sysfs) or with a window of 0 nothing is ever vouched for.
 */
final class Hotplug implements AutoCloseable {

    /** How long after a hotplug is seen callers are checked on every open (the moves are asynchronous). */
    static final long GRACE_NANOS = 2_000_000_000L;

    private final List<KeptFd> files = new ArrayList<>();
    private final byte[][] last;
    private final boolean active;
    private final long windowNanos;
    private volatile long checkedAt;
    /** When a change was last seen; callers checked before this + grace are not vouched for. */
    private volatile long changedAt;

    /**
     * @param sysRoot     the host sysfs
     * @param windowNanos how long one look at the online sets holds (the freshness window); 0 vouches for nothing
     */
    Hotplug(Path sysRoot, long windowNanos, LongSupplier clock) {
        this(List.of(sysRoot.resolve("devices/system/cpu/online"), sysRoot.resolve("devices/system/node/has_memory")),
                windowNanos, clock);
    }

    /** @param watched files whose change means a hotplug (the first must exist; the others may not) */
    Hotplug(List<Path> watched, long windowNanos, LongSupplier clock) {
        this.windowNanos = windowNanos;
        long now = clock.getAsLong();
        ReadBuffer rb = ReadBuffer.mine();
        for (Path p : watched) {
            KeptFd f = windowNanos > 0 ? KeptFd.open(p.toString(), true, rb.callState, now) : null;
            if (f != null) {
                files.add(f);
            } else if (files.isEmpty()) {
                break; // without the CPU set there is nothing to go by
            }
        }
        this.last = new byte[files.size()][];
        for (int i = 0; i < last.length; i++) last[i] = read(i, rb);
        this.active = !files.isEmpty() && Arrays.stream(last).allMatch(b -> b != null);
        this.checkedAt = now;
        // a hotplug just before the start may still be moving tasks
        this.changedAt = now;
    }

    /**
     * Whether the cpuset controller is mounted as a cgroup v1 hierarchy ({@code /proc/cgroups}
     * gives it a hierarchy id other than 0): only then does a hotplug move tasks. True when it
     * cannot tell.
     */
    static boolean cpusetOnV1(Path procRoot) {
        try {
            for (String line : java.nio.file.Files.readAllLines(procRoot.resolve("cgroups"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && f[0].equals("cpuset")) return !f[1].equals("0");
            }
            return false; // no cpuset controller in this kernel
        } catch (java.io.IOException | RuntimeException e) {
            return true;
        }
    }

    /** Whether the online sets are being watched at all. */
    boolean active() {
        return active;
    }

    /**
     * Whether a caller whose cgroups were last read at {@code validatedAt} is still where it was
     * as far as hotplug goes: no CPU or memory node went on- or offline since then, or the moves
     * that followed were over by then. Looks at the online sets first if the last look is older
     * than the window.
     */
    boolean quietSince(long validatedAt, long now) {
        if (!active) return false;
        if (now - checkedAt >= windowNanos) check(now);
        return validatedAt - changedAt >= GRACE_NANOS;
    }

    private synchronized void check(long now) {
        if (now - checkedAt < windowNanos) return; // another thread just looked
        ReadBuffer rb = ReadBuffer.mine();
        for (int i = 0; i < last.length; i++) {
            byte[] b = read(i, rb);
            if (b == null || !Arrays.equals(b, last[i])) {
                changedAt = now;
                if (b != null) last[i] = b;
            }
        }
        checkedAt = now;
    }

    /** The file's text, or null if it cannot be read (closed: then every look is a change). */
    private byte[] read(int i, ReadBuffer rb) {
        KeptFd f = files.get(i);
        if (!f.acquire()) return null;
        try {
            MemorySegment s = f.readAll(rb);
            return s == null ? null : s.toArray(ValueLayout.JAVA_BYTE);
        } finally {
            f.release();
        }
    }

    @Override
    public void close() {
        for (KeptFd f : files) f.release();
    }
}
