package io.jlxcfs.cache;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.jlxcfs.bindings.libc.inotify_event;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.daemon.Log;

/**
 * Cgroup events: inotify watches on the directories of the cgroups being served (and their
 * ancestors, where limits also apply). A write to a limit file, or a cgroup's removal, advances
 * the {@link #epoch()}; every cached buffer rendered in an earlier epoch is stale. The read path
 * calls {@link #drain()} first (one non-blocking read when nothing happened), so a limit written
 * before a read begins is visible in that read.
 */
final class Invalidator implements AutoCloseable {

    /** The files whose change must be seen at once (usage counters age out by the freshness window). */
    static final Set<String> LIMIT_FILES = Set.of(
            "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.swappiness", "memory.soft_limit_in_bytes",
            "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.shares", "cpuset.cpus", "cpuset.effective_cpus",
            "memory.max", "memory.high", "memory.swap.max", "memory.zswap.max", "cpu.max", "cpuset.cpus.effective",
            "cgroup.subtree_control");

    private static final int IN_NONBLOCK = 04000, IN_CLOEXEC = 02000000;
    private static final int IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800,
            IN_IGNORED = 0x8000, IN_Q_OVERFLOW = 0x4000, IN_ONLYDIR = 0x1000000, IN_DELETE = 0x200,
            IN_ISDIR = 0x40000000;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final Map<Integer, Path> byWd = new HashMap<>();
    private final Map<Path, Integer> byPath = new HashMap<>();
    private final Map<Path, Long> lastUse = new HashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final Consumer<Path> onRemoved;
    private final int maxWatches;
    private final ThreadLocal<Scratch> scratch;

    private final class Scratch {
        final Arena a = Arena.ofAuto();
        final MemorySegment cs = libc_h.callState(a);
        final MemorySegment buf = a.allocate(16 << 10, 8);
    }

    Invalidator(Consumer<Path> onRemoved, int maxWatches) {
        this.onRemoved = onRemoved;
        this.maxWatches = maxWatches;
        MemorySegment cs = libc_h.callState(arena);
        int f = libc_h.inotify_init1(cs, IN_NONBLOCK | IN_CLOEXEC);
        if (f < 0) Log.warn("inotify_init1 failed (errno %d): limits apply within the freshness window only", libc_h.errno(cs));
        this.fd = f;
        this.scratch = ThreadLocal.withInitial(Scratch::new);
    }

    /** The inotify descriptor (for an epoll set), or -1. */
    int fd() {
        return fd;
    }

    long epoch() {
        return epoch.get();
    }

    long invalidations() {
        return events.get();
    }

    int watches() {
        synchronized (byPath) {
            return byPath.size();
        }
    }

    /** Watches {@code dir} (idempotent). */
    /** Whether {@code dir} is watched now (its writes will show up in {@link #epoch()}). */
    boolean watched(Path dir) {
        if (fd < 0 || dir == null) return false;
        synchronized (byPath) {
            return byPath.containsKey(dir);
        }
    }

    void watch(Path dir) {
        if (fd < 0 || dir == null) return;
        synchronized (byPath) {
            if (byPath.containsKey(dir)) {
                lastUse.put(dir, System.nanoTime());
                return;
            }
            if (byPath.size() >= maxWatches) return;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cs = libc_h.callState(a);
                int wd = libc_h.inotify_add_watch(cs, fd, a.allocateFrom(dir.toString()),
                        IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
                if (wd < 0) return; // gone already, or not a directory
                Path old = byWd.put(wd, dir);
                if (old != null) byPath.remove(old);
                byPath.put(dir, wd);
                lastUse.put(dir, System.nanoTime());
            }
        }
    }

    /** Applies every pending event; cheap (one EAGAIN read) when there is none. */
    void drain() {
        if (fd < 0) return;
        Scratch s = scratch.get();
        while (true) {
            long n = libc_h.read(s.cs, fd, s.buf, s.buf.byteSize());
            if (n <= 0) return;
            long off = 0;
            while (off + inotify_event.sizeof() <= n) {
                MemorySegment ev = s.buf.asSlice(off);
                int wd = inotify_event.wd(ev);
                int mask = inotify_event.mask(ev);
                int len = inotify_event.len(ev);
                String name = len == 0 ? "" : cString(ev.asSlice(inotify_event.sizeof(), len));
                apply(wd, mask, name);
                off += inotify_event.sizeof() + len;
            }
        }
    }

    private void apply(int wd, int mask, String name) {
        if ((mask & IN_Q_OVERFLOW) != 0) {
            bump();
            return;
        }
        if ((mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
            Path dir;
            synchronized (byPath) {
                dir = byWd.remove(wd);
                if (dir != null) {
                    byPath.remove(dir);
                    lastUse.remove(dir);
                }
            }
            if (dir != null) onRemoved.accept(dir);
            bump();
            return;
        }
        if ((mask & IN_DELETE) != 0 && (mask & IN_ISDIR) != 0) {
            // a child cgroup was removed (rmdir): cgroup v1 tells its own watch nothing, but the
            // parent hears it. A cgroup made again at that path (a restarted container) is new:
            // drop the old one's watch, descriptors and kept limits, and everything rendered.
            Path child;
            synchronized (byPath) {
                Path dir = byWd.get(wd);
                child = dir == null || name.isEmpty() ? null : dir.resolve(name);
                if (child != null) {
                    unwatch(child); // its inode is gone: the kernel may refuse, harmless
                    lastUse.remove(child);
                }
            }
            if (child != null) onRemoved.accept(child);
            bump();
            return;
        }
        if (LIMIT_FILES.contains(name)) bump();
    }

    /**
     * Removes watches on directories no read needed for {@code unusedNanos}: cgroup v1 sends no
     * event when a cgroup directory is removed, so this is how watches of gone cgroups end.
     */
    void prune(long unusedNanos) {
        if (fd < 0) return;
        long now = System.nanoTime();
        synchronized (byPath) {
            var it = lastUse.entrySet().iterator();
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cs = libc_h.callState(a);
                while (it.hasNext()) {
                    var e = it.next();
                    if (now - e.getValue() < unusedNanos) continue;
                    unwatch(e.getKey(), cs);
                    it.remove();
                }
            }
        }
    }

    /** Stops watching {@code dir} (caller holds the lock; {@code lastUse} is the caller's to update). */
    private void unwatch(Path dir, MemorySegment callState) {
        Integer wd = byPath.remove(dir);
        if (wd != null) {
            byWd.remove(wd);
            libc_h.inotify_rm_watch(callState, fd, wd);
        }
    }

    private void unwatch(Path dir) {
        try (Arena a = Arena.ofConfined()) {
            unwatch(dir, libc_h.callState(a));
        }
    }

    private void bump() {
        epoch.incrementAndGet();
        events.incrementAndGet();
    }

    private static String cString(MemorySegment s) {
        byte[] b = s.toArray(JAVA_BYTE);
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try (Arena a = Arena.ofConfined()) {
                libc_h.close(libc_h.callState(a), fd);
            }
        }
        arena.close();
    }
}
