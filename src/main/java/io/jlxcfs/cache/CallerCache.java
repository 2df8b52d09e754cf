package io.jlxcfs.cache;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;
import io.jlxcfs.caller.CgroupPaths;

/**
 * pid -> whose view. Each resolved caller keeps its {@code /proc/PID/cgroup} open and, where the
 * kernel gives one, a pidfd that becomes readable when it exits ({@link Changes}). An open is
 * answered from memory when nothing can have changed: the caller has not exited (its pidfd would
 * have been seen), no task file was written since it was last checked (a move is such a write;
 * {@link Changes#moves()}), and either the last check is younger than {@code revalidateNanos}
 * (the freshness window) or no CPU or memory node went on- or offline since ({@link Hotplug}:
 * cpuset v1's moves after a hotplug are the one move the kernel makes without a write). Past
 * that, with no write seen, only a cpuset move is possible: one {@code pread} of the caller's kept
 * {@code /proc/PID/cpuset} (a fifth of the kernel's cost of the whole cgroup file, which prints
 * every hierarchy) checks it; no check at all where cpuset is not a v1 hierarchy (cgroup v2
 * never moves tasks on a hotplug). Otherwise one {@code pread} of the kept cgroup file,
 * compared byte for byte with the text the view was resolved from, checks it; a descriptor
 * whose task exited fails that read, and a changed text (the process moved) is resolved afresh.
 *
 * <p>A caller in a pid namespace of its own gets its namespace init's view, and the init may move
 * without it: such an entry keeps the init's {@code /proc/INIT/cgroup} open as well and the check
 * compares both. A live caller proves its init lives (the kernel kills a namespace whose init
 * exits), and an init's descriptor fails its read once that task is gone, so the entry stays as
 * long as the caller reads, with no age limit and no re-resolution.
 *
 * <p>No lock, no Java string on the check. Descriptors are reference-counted so that one thread
 * never preads a descriptor another has closed (and the kernel may have reused).
 */
final class CallerCache {

    /** One resolved caller, with its kept {@code /proc/PID/cgroup} and the text it was resolved from. */
    private static final class Known {
        final KeptFd file;
        final byte[] text;
        /** The namespace init's cgroup file and text when the view is the init's, else null. */
        final KeptFd view;
        final byte[] viewText;
        /**
         * The caller's {@code /proc/PID/cpuset} (and its init's), opened at the first cpuset check
         * (past a zero window, or in a hotplug's grace); null before, {@link #CLOSED} once closed.
         */
        private final java.util.concurrent.atomic.AtomicReference<Cpusets> cpusets =
                new java.util.concurrent.atomic.AtomicReference<>();
        final Caller caller;
        final long resolvedAt;
        /** Readable once the caller exits; -1 when the kernel gave none (every open then preads). */
        final int pidfd;
        private final AtomicBoolean closed = new AtomicBoolean();
        /** {@link Changes#moves()} and the time when the caller was last known in place. */
        volatile long validMoves;
        volatile long validatedAt;

        Known(KeptFd file, byte[] text, KeptFd view, byte[] viewText, Caller caller, long resolvedAt, int pidfd,
              long moves) {
            this.file = file;
            this.text = text;
            this.view = view;
            this.viewText = viewText;
            this.caller = caller;
            this.resolvedAt = resolvedAt;
            this.pidfd = pidfd;
            this.validMoves = moves;
            this.validatedAt = resolvedAt;
        }

        /**
         * Whether the caller's cgroup file, and its init's where the view is the init's, still read
         * as they did; false if a descriptor is gone (its task exited).
         */
        boolean matches(ReadBuffer rb) {
            return same(file, text, rb) && (view == null || same(view, viewText, rb));
        }

        /** Whether the kept cpuset files read as they did; false before they are kept. */
        boolean cpusetsMatch(ReadBuffer rb) {
            Cpusets c = cpusets.get();
            return c != null && c != CLOSED && same(c.own(), c.ownText(), rb)
                    && (c.init() == null || same(c.init(), c.initText(), rb));
        }

        void dropCpusets() {
            Cpusets c = cpusets.get();
            if (c != null && c != CLOSED && cpusets.compareAndSet(c, null)) c.release();
        }

        boolean keepsCpusets() {
            return cpusets.get() != null;
        }

        /**
         * Keeps the caller's cpuset file (and its init's), right after {@link #matches} proved the
         * cgroup files unchanged: each is kept only if it names the cpuset path of the text it was
         * resolved from (a hotplug move in between is not vouched for).
         */
        void keepCpusets(Path procRoot, int pid, ReadBuffer rb, long now) {
            KeptFd own = procFile(procRoot, pid, "cpuset", rb, now);
            byte[] ownText = cpusetText(own, text, rb);
            KeptFd init = null;
            byte[] initText = null;
            if (ownText != null && view != null) {
                init = procFile(procRoot, caller.viewPid(), "cpuset", rb, now);
                initText = cpusetText(init, viewText, rb);
            }
            Cpusets c = new Cpusets(own, ownText, init, initText);
            if (ownText == null || view != null && initText == null || !cpusets.compareAndSet(null, c)) c.release();
        }

        private static boolean same(KeptFd f, byte[] was, ReadBuffer rb) {
            if (!f.acquire()) return false;
            try {
                MemorySegment now = f.readAll(rb);
                return now != null && now.mismatch(MemorySegment.ofArray(was)) < 0;
            } finally {
                f.release();
            }
        }

        /** Releases the descriptors, once. */
        void close(Changes changes) {
            if (closed.compareAndSet(false, true)) {
                file.release();
                if (view != null) view.release();
                Cpusets c = cpusets.getAndSet(CLOSED);
                if (c != null) c.release();
                changes.unwatchExit(pidfd);
            }
        }
    }

    /** Kept {@code /proc/PID/cpuset} files and their texts (the init's null when the view is the caller's). */
    private record Cpusets(KeptFd own, byte[] ownText, KeptFd init, byte[] initText) {
        void release() {
            if (own != null) own.release();
            if (init != null) init.release();
        }

        int fds() {
            return (own != null ? 1 : 0) + (init != null ? 1 : 0);
        }
    }

    private static final Cpusets CLOSED = new Cpusets(null, null, null, null);

    private final CallerResolver resolver;
    private final Path procRoot;
    private final int maxEntries;
    private final long revalidateNanos;
    private final Changes changes;
    private final Hotplug hotplug;
    private final boolean cpusetMoves;
    static final long UNUSED_NANOS = 10_000_000_000L;
    private final LongSupplier clock;
    private final Map<Integer, Known> entries = new ConcurrentHashMap<>(256);
    /**
     * Opens answered without reading anything, opens that read the caller's cpuset file(s) only,
     * opens that read its cgroup file(s), resolutions.
     */
    final LongAdder proven = new LongAdder(), cpusetChecks = new LongAdder(), checked = new LongAdder(),
            resolved = new LongAdder();

    /**
     * @param cpusetMoves whether cpuset is a v1 hierarchy here (only then does the kernel move
     *                    tasks on a hotplug; without it a caller no write moved is in place)
     */
    CallerCache(CallerResolver resolver, Path procRoot, int maxEntries, long revalidateNanos,
                Changes changes, Hotplug hotplug, boolean cpusetMoves, LongSupplier clock) {
        this.cpusetMoves = cpusetMoves;
        this.resolver = resolver;
        this.procRoot = procRoot;
        this.maxEntries = maxEntries;
        this.revalidateNanos = revalidateNanos;
        this.changes = changes;
        this.hotplug = hotplug;
        this.clock = clock;
    }

    /**
     * The caller's view, or null (pid 0, gone, unresolvable: the host file). {@link Changes#poll()}
     * must have run first in this request.
     */
    Caller resolve(int pid) {
        if (pid <= 0) return null;
        ReadBuffer rb = ReadBuffer.mine();
        Known e = entries.get(pid);
        if (e != null) {
            long now = clock.getAsLong();
            long moves = changes.moves();
            boolean cpusetCheck = false;
            if (e.pidfd >= 0 && e.validMoves == moves) {
                if (!cpusetMoves || now - e.validatedAt < revalidateNanos || hotplug.quietSince(e.validatedAt, now)) {
                    e.file.lastUse = now;
                    proven.increment();
                    return e.caller;
                }
                // no write moved it: only a hotplug can have, and only in the cpuset hierarchy
                if (e.cpusetsMatch(rb)) {
                    cpusetChecks.increment();
                    e.validatedAt = now;
                    e.file.lastUse = now;
                    return e.caller;
                }
                e.dropCpusets(); // changed (or not kept yet): the whole file decides, and they are kept afresh
                cpusetCheck = true;
            }
            checked.increment();
            if (e.matches(rb)) {
                e.validMoves = moves;
                e.validatedAt = now;
                e.file.lastUse = now;
                // kept only once a cpuset check is needed at all (a zero window; a hotplug's grace)
                if (cpusetCheck && !e.keepsCpusets()) e.keepCpusets(procRoot, pid, rb, now);
                return e.caller;
            }
            forget(pid, e);
        }
        resolved.increment();
        // read before the cgroup file: a move after the read advances past it
        long moves = changes.moves();
        // before the cgroup file too: if the pid changed hands in between, the pidfd's task has
        // exited, its pidfd is readable, and the next poll drops the entry
        int pidfd = changes.watchExit(pid);
        // /proc/PID/cgroup is one record (single_open): one pread reads it whole
        KeptFd f = procFile(procRoot, pid, "cgroup", rb, clock.getAsLong());
        if (f == null) {
            changes.unwatchExit(pidfd);
            return resolver.resolve(pid); // gone: the resolver logs and answers null
        }
        MemorySegment read = f.readAll(rb);
        // copied before resolving: the resolver reads other files through this thread's buffer
        byte[] text = read == null ? null : read.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        Caller c = text == null || text.length == 0 ? null : resolver.resolve(pid);
        if (c == null) {
            f.release();
            changes.unwatchExit(pidfd);
            return null;
        }
        KeptFd view = null;
        byte[] viewText = null;
        if (c.viewPid() != pid) {
            // the init's file, read after the resolver read it: kept only if it still names the
            // cgroups the view was resolved from (an init that moved in between: resolve next time)
            view = procFile(procRoot, c.viewPid(), "cgroup", rb, clock.getAsLong());
            MemorySegment vr = view == null ? null : view.readAll(rb);
            viewText = vr == null ? null : vr.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            if (viewText == null || !c.cgroups().equals(
                    CgroupPaths.parse(new String(viewText, java.nio.charset.StandardCharsets.ISO_8859_1)))) {
                if (view != null) view.release();
                f.release();
                changes.unwatchExit(pidfd);
                return c;
            }
        }
        Known k = new Known(f, text, view, viewText, c, clock.getAsLong(), pidfd, moves);
        Known prev = entries.put(pid, k);
        if (prev != null) prev.close(changes);
        if (entries.size() > maxEntries) trim();
        return c;
    }

    /**
     * A task's {@code /proc/PID/NAME} kept open (cgroup and cpuset are one seq_file record: one
     * pread reads them whole); null if it cannot be opened.
     */
    static KeptFd procFile(Path procRoot, int pid, String name, ReadBuffer rb, long now) {
        return KeptFd.open(procRoot.resolve(pid + "/" + name).toString(), true, rb.callState, now);
    }

    /**
     * The text of a task's kept {@code /proc/PID/cpuset} if it names the cpuset path of the
     * {@code /proc/PID/cgroup} text {@code cgroupText}, else null.
     */
    static byte[] cpusetText(KeptFd cpuset, byte[] cgroupText, ReadBuffer rb) {
        if (cpuset == null) return null;
        MemorySegment read = cpuset.readAll(rb);
        byte[] now = read == null ? null : read.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        byte[] want = cpusetLine(cgroupText);
        return now != null && want != null && java.util.Arrays.equals(now, want) ? now : null;
    }

    /** The path on the cpuset hierarchy's line of a {@code /proc/PID/cgroup} text, with a newline; null if none. */
    static byte[] cpusetLine(byte[] cgroupText) {
        String s = new String(cgroupText, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (String line : s.split("\n")) {
            int a = line.indexOf(':'), b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) continue;
            for (String ctl : line.substring(a + 1, b).split(",")) {
                if (ctl.equals("cpuset")) {
                    return (line.substring(b + 1) + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            }
        }
        return null;
    }

    /** {@code pid}'s pidfd became readable: it exited, and its entry goes (the pid may be reused). */
    void exited(int pid) {
        Known e = entries.get(pid);
        if (e != null) forget(pid, e);
    }

    private void forget(int pid, Known e) {
        if (entries.remove(pid, e)) e.close(changes);
    }

    /** Over the cap: drops the oldest quarter. */
    private synchronized void trim() {
        if (entries.size() <= maxEntries) return;
        List<Map.Entry<Integer, Known>> all = new ArrayList<>(entries.entrySet());
        all.sort(Comparator.comparingLong(x -> x.getValue().resolvedAt));
        for (int i = 0; i < all.size() / 4 + 1; i++) forget(all.get(i).getKey(), all.get(i).getValue());
    }

    /**
     * Drops callers nobody saw for {@link #UNUSED_NANOS} (an exited caller fails its next read
     * anyway; this frees its descriptors).
     */
    void prune() {
        long now = clock.getAsLong();
        for (Map.Entry<Integer, Known> x : entries.entrySet()) {
            if (now - x.getValue().file.lastUse >= UNUSED_NANOS) forget(x.getKey(), x.getValue());
        }
    }

    int size() {
        return entries.size();
    }

    /** Descriptors held: each caller's cgroup and cpuset files, its init's, and its pidfd where it has them. */
    int fds() {
        int n = 0;
        for (Known k : entries.values()) {
            Cpusets c = k.cpusets.get();
            n += 1 + (k.pidfd >= 0 ? 1 : 0) + (k.view != null ? 1 : 0) + (c == null ? 0 : c.fds());
        }
        return n;
    }

    void clear() {
        for (Map.Entry<Integer, Known> x : entries.entrySet()) forget(x.getKey(), x.getValue());
    }
}
