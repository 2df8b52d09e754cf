package io.jlxcfs.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.jlxcfs.bindings.libc.libc_h;

/**
 * A descriptor kept open for re-reading with {@code pread}, shared by the threads that read it.
 * Reference-counted: the map that holds it owns one reference, each read holds one while it
 * runs, and the descriptor is closed when the count reaches zero, so a read never lands on a
 * descriptor another thread closed (and the kernel may have handed out again).
 */
final class KeptFd {

    private static final int O_RDONLY_CLOEXEC = 0x80000;

    final int fd;
    /**
     * The file is one seq_file record (every cgroup control file but the task lists, and
     * single_open procfs files such as meminfo, stat and PID/cgroup): the kernel hands the whole
     * record to any read large enough, so a short read is the end of the file and needs no
     * second pread to prove it. Multi-record files (cpuinfo, diskstats, swaps, cgroup.procs) may
     * stop short of a full buffer before their end.
     */
    final boolean oneRecord;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** nanoTime of the last read, for expiry. */
    volatile long lastUse;

    private KeptFd(int fd, boolean oneRecord, long now) {
        this.fd = fd;
        this.oneRecord = oneRecord;
        this.lastUse = now;
    }

    /** Opens {@code path} read-only; null if it cannot be opened. */
    static KeptFd open(String path, boolean oneRecord, MemorySegment callState, long now) {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = libc_h.open(callState, a.allocateFrom(path, StandardCharsets.UTF_8), O_RDONLY_CLOEXEC, 0);
        }
        return fd < 0 ? null : new KeptFd(fd, oneRecord, now);
    }

    /** The whole file from offset 0 through {@code rb} (see {@link ReadBuffer#preadAll}). */
    MemorySegment readAll(ReadBuffer rb) {
        return rb.preadAll(fd, oneRecord);
    }

    /** Takes a reference for one read; false once the descriptor is closing. */
    boolean acquire() {
        int r;
        do {
            r = refs.get();
            if (r <= 0) return false;
        } while (!refs.compareAndSet(r, r + 1));
        return true;
    }

    void release() {
        if (refs.decrementAndGet() == 0) {
            try (Arena a = Arena.ofConfined()) {
                libc_h.close(libc_h.callState(a), fd);
            }
        }
    }
}
