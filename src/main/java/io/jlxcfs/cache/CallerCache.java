package io.jlxcfs.cache;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;

/**
 * pid -> whose view, validated with one small procfs read per render: the caller's
 * {@code /proc/PID/cgroup} is kept open and re-read with pread. The descriptor is tied to the
 * task, so a pid that exited (and may have been reused) fails the read and is resolved afresh; a
 * changed text (the process moved) is resolved afresh too. A caller whose own cgroup decides its
 * view (host pid namespace, or a namespace's init) is thereby fully checked and stays as long as
 * it reads; one whose view is its namespace init's is re-resolved after {@code maxAgeNanos} (the
 * init may move to another cgroup without its children; a live caller proves its init lives).
 *
 * <p>The hit path is one {@code pread} into the thread's {@link ReadBuffer} compared byte for byte
 * with the text the view was resolved from: no lock, no Java string, no NIO channel. Descriptors
 * are reference-counted so that one thread never preads a descriptor another has closed (and the
 * kernel may have reused).
 */
final class CallerCache {

    /** One resolved caller, with its kept {@code /proc/PID/cgroup} and the text it was resolved from. */
    private record Known(KeptFd file, byte[] text, Caller caller, long resolvedAt) {

        /**
         * Whether the caller's own cgroup file decides its view (a host-namespace caller, or a
         * namespace's init itself): then the text compare is the whole proof and the entry needs
         * no age limit. Otherwise the view is the init's, which may move without the caller.
         */
        boolean selfValidated() {
            return caller.viewPid() == caller.pid();
        }

        /** Whether the caller's cgroup file still reads as it did; false if the descriptor is gone. */
        boolean matches(ReadBuffer rb) {
            if (!file.acquire()) return false;
            try {
                MemorySegment now = file.readAll(rb);
                return now != null && now.mismatch(MemorySegment.ofArray(text)) < 0;
            } finally {
                file.release();
            }
        }
    }

    private final CallerResolver resolver;
    private final Path procRoot;
    private final int maxEntries;
    private final long maxAgeNanos;
    static final long UNUSED_NANOS = 10_000_000_000L;
    private final LongSupplier clock;
    private final Map<Integer, Known> entries = new ConcurrentHashMap<>(256);

    CallerCache(CallerResolver resolver, Path procRoot, int maxEntries, long maxAgeNanos, LongSupplier clock) {
        this.resolver = resolver;
        this.procRoot = procRoot;
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
    }

    /** The caller's view, or null (pid 0, gone, unresolvable: the host file). */
    Caller resolve(int pid) {
        if (pid <= 0) return null;
        ReadBuffer rb = ReadBuffer.mine();
        Known e = entries.get(pid);
        if (e != null) {
            long now = clock.getAsLong();
            if (e.matches(rb) && (e.selfValidated() || now - e.resolvedAt() < maxAgeNanos)) {
                e.file().lastUse = now;
                return e.caller();
            }
            forget(pid, e);
        }
        // /proc/PID/cgroup is one record (single_open): one pread reads it whole
        KeptFd f = KeptFd.open(procRoot.resolve(pid + "/cgroup").toString(), true, rb.callState, clock.getAsLong());
        if (f == null) return resolver.resolve(pid); // gone: the resolver logs and answers null
        MemorySegment read = f.readAll(rb);
        // copied before resolving: the resolver reads other files through this thread's buffer
        byte[] text = read == null ? null : read.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        Caller c = text == null || text.length == 0 ? null : resolver.resolve(pid);
        if (c == null) {
            f.release();
            return null;
        }
        Known k = new Known(f, text, c, clock.getAsLong());
        Known prev = entries.put(pid, k);
        if (prev != null) prev.file().release();
        if (entries.size() > maxEntries) trim();
        return c;
    }

    private void forget(int pid, Known e) {
        if (entries.remove(pid, e)) e.file().release();
    }

    /** Over the cap: drops the oldest quarter. */
    private synchronized void trim() {
        if (entries.size() <= maxEntries) return;
        List<Map.Entry<Integer, Known>> all = new ArrayList<>(entries.entrySet());
        all.sort(Comparator.comparingLong(x -> x.getValue().resolvedAt()));
        for (int i = 0; i < all.size() / 4 + 1; i++) forget(all.get(i).getKey(), all.get(i).getValue());
    }

    /**
     * Drops callers past their age and those nobody saw for {@link #UNUSED_NANOS} (an exited caller
     * fails its next read anyway; this frees its descriptor).
     */
    void prune() {
        long now = clock.getAsLong();
        for (Map.Entry<Integer, Known> x : entries.entrySet()) {
            Known k = x.getValue();
            boolean aged = !k.selfValidated() && now - k.resolvedAt() >= maxAgeNanos;
            if (aged || now - k.file().lastUse >= UNUSED_NANOS) forget(x.getKey(), k);
        }
    }

    int size() {
        return entries.size();
    }

    void clear() {
        for (Map.Entry<Integer, Known> x : entries.entrySet()) forget(x.getKey(), x.getValue());
    }
}
