package io.jlxcfs.fuse;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.jlxcfs.bindings.Native;
import io.jlxcfs.bindings.fuse.fuse_custom_io;
import io.jlxcfs.bindings.fuse.fuse_in_header;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_h;
import io.jlxcfs.bindings.fuse.fuse_out_header;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.epoll_event;
import io.jlxcfs.daemon.Log;

/**
 * The {@code /dev/fuse} I/O libfuse runs through ({@code fuse_session_custom_io}). It exists for
 * three reasons libfuse has no API for:
 * <ul>
 * <li>it keeps a copy of the kernel's {@code FUSE_INIT} (sent once per mount) so that a later
 * daemon can take over the live connection: that daemon's first read returns the saved INIT,
 * libfuse negotiates as before, and its reply goes to a request id the kernel does not know, so
 * the kernel drops it ({@code ENOENT});</li>
 * <li>after such a takeover it asks the kernel to resend requests the dead daemon had read but
 * not answered ({@code FUSE_NOTIFY_RESEND}, Linux 6.9+);</li>
 * <li>it makes every blocked worker return when the daemon stops, without aborting the
 * connection (libfuse 3.14 only sets a flag in {@code fuse_session_exit}).</li>
 * </ul>
 * Under libfuse's own loop (--libfuse-loop) workers disable pthread cancellation while in here: it cancels idle workers when the
 * loop ends, and a cancellation unwinding through JVM frames would kill the JVM.
 */
final class DevIo {

    static final int FUSE_INIT = 26;
    static final int FUSE_NOTIFY_RESEND = 7;
    /** The request id given to a replayed INIT: the kernel has no such request and drops our reply. */
    static final long REPLAYED_INIT_UNIQUE = 1L << 62;
    private static final int PTHREAD_CANCEL_DISABLE = 1;

    private final int fd;
    private final int stopFd;
    /**
     * Blocking device (jlxcfs's own workers): one read per request, as libfuse itself does; a stop
     * then wakes each blocked worker with a request of its own (see FuseServer). Non-blocking
     * (libfuse's loop): idle workers wait in epoll beside the stop eventfd.
     */
    private final boolean blocking;
    private final Consumer<byte[]> initSink;
    private final AtomicReference<byte[]> replayInit;
    /** Takeover: the other workers wait until libfuse has processed the replayed INIT. */
    private final java.util.concurrent.CountDownLatch initProcessed;
    private volatile Thread replayer;
    private volatile boolean initSeen;
    private volatile boolean stopping;
    private volatile MemorySegment session = MemorySegment.NULL;

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLLIN = 1, EPOLLEXCLUSIVE = 1 << 28;
    private static final long STOP_TOKEN = 1;

    /**
     * Per-worker state, made once per thread: an epoll set with the device (exclusive, so one
     * request wakes one worker, as blocking reads would) and the stop eventfd (every worker
     * wakes), the event buffer and the errno capture.
     */
    final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment callState = libc_h.callState(arena);
        final MemorySegment old = arena.allocate(JAVA_INT);
        final MemorySegment event = epoll_event.allocate(arena);
        int epfd = -1;

        /** The epoll set, made on first need (only a non-blocking device needs one). */
        int epoll() {
            if (epfd < 0) {
                epfd = libc_h.epoll_create1(callState, EPOLL_CLOEXEC);
                if (epfd < 0) throw new IllegalStateException("epoll_create1: errno " + libc_h.errno(callState));
                add(fd, EPOLLIN | EPOLLEXCLUSIVE, 0);
                add(stopFd, EPOLLIN, STOP_TOKEN);
            }
            return epfd;
        }

        private void add(int target, int events, long token) {
            MemorySegment ev = epoll_event.allocate(arena);
            epoll_event.events(ev, events);
            epoll_event.data(ev, token);
            if (libc_h.epoll_ctl(callState, epfd, EPOLL_CTL_ADD, target, ev) != 0) {
                throw new IllegalStateException("epoll_ctl: errno " + libc_h.errno(callState));
            }
        }
    }

    /**
     * @param fd         the /dev/fuse descriptor
     * @param stopFd     an eventfd that becomes readable when the daemon stops
     * @param initSink   receives the raw FUSE_INIT message when the kernel sends it (fresh mounts)
     * @param replayInit a saved FUSE_INIT to hand to libfuse first (takeover), or null
     */
    DevIo(int fd, int stopFd, Consumer<byte[]> initSink, byte[] replayInit, boolean blocking) {
        this.blocking = blocking;
        this.fd = fd;
        this.stopFd = stopFd;
        this.initSink = initSink;
        this.replayInit = new AtomicReference<>(replayInit);
        this.init = replayInit;
        this.initSeen = replayInit != null;
        this.initProcessed = new java.util.concurrent.CountDownLatch(replayInit != null ? 1 : 0);
    }

    private volatile byte[] init;

    /** The connection's FUSE_INIT, as captured or replayed. */
    byte[] init() {
        return init;
    }

    void session(MemorySegment se) {
        this.session = se;
    }

    /** Makes every worker leave its read; libfuse then ends the loop. */
    void stop() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }

    /** The custom I/O struct, with the read hook in Java and libc's own writev. */
    MemorySegment struct(Arena arena) {
        MemorySegment io = fuse_custom_io.allocate(arena);
        io.fill((byte) 0);
        fuse_custom_io.read(io, fuse_custom_io.read.allocate(this::read, arena));
        // libc's writev ignores the fourth (userdata) argument under the x86_64/aarch64 C ABI
        fuse_custom_io.writev(io, libc_h.writev$address());
        return io;
    }

    /** libfuse's read hook (its own loop and {@code fuse_session_receive_buf}): one upcall per request. */
    private long read(int devFd, MemorySegment buf, long len, MemorySegment userdata) {
        Scratch s = scratch.get();
        // only libfuse's own loop cancels its workers (ours are Java threads it never sees)
        if (!blocking) libc_h.pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, s.old);
        long n = receive(s, devFd, buf, len);
        return n == TOO_SMALL ? fail("read", Errno.EINVAL) : n;
    }

    /** {@link #receive}'s answer when the device refuses the buffer as too small (EINVAL). */
    static final long TOO_SMALL = -2;

    /** A worker's own state, for {@link #receive}: jlxcfs's workers call it directly. */
    Scratch worker() {
        return scratch.get();
    }

    /**
     * One request into {@code buf}, as the read hook would deliver it, called by jlxcfs's own
     * workers directly: no upcall per request. -1 when the session is over (it has been exited),
     * {@link #TOO_SMALL} when the device wants a bigger buffer.
     */
    long receive(Scratch worker, MemorySegment buf, long len) {
        return receive(worker, fd, buf, len);
    }

    private long receive(Scratch s, int devFd, MemorySegment buf, long len) {
        try {
            if (initProcessed.getCount() > 0) {
                byte[] init = replayInit.getAndSet(null);
                if (init != null) {
                    replayer = Thread.currentThread();
                    return replay(init, buf, len);
                }
                if (replayer == Thread.currentThread()) {
                    // back for more: libfuse has processed the INIT on this thread
                    initProcessed.countDown();
                    requestResend(s);
                } else if (!awaitInit()) {
                    exitSession();
                    return -1;
                }
            }
            return readDevice(s, devFd, buf, len);
        } catch (Throwable t) {
            Log.once(Log.ERR, "devio-read", "reading /dev/fuse failed: %s", t);
            exitSession();
            return -1;
        }
    }

    /**
     * Requests queued on a live connection are readable at once, and libfuse answers EIO to any
     * it sees before INIT: the other workers wait for the replay to be processed.
     */
    private boolean awaitInit() throws InterruptedException {
        while (!initProcessed.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (stopping) return false;
        }
        return true;
    }

    private long replay(byte[] init, MemorySegment buf, long len) {
        MemorySegment dst = Native.view(buf, len);
        MemorySegment src = MemorySegment.ofArray(init);
        dst.copyFrom(src);
        fuse_in_header.unique(dst, REPLAYED_INIT_UNIQUE);
        Log.info("took over the FUSE connection: replayed FUSE_INIT (%d bytes)", init.length);
        return init.length;
    }

    private void requestResend(Scratch s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = fuse_out_header.allocate(a);
            fuse_out_header.len(out, (int) fuse_out_header.sizeof());
            fuse_out_header.error(out, FUSE_NOTIFY_RESEND);
            fuse_out_header.unique(out, 0);
            long n = libc_h.write(s.callState, fd, out, fuse_out_header.sizeof());
            if (n < 0) {
                Log.warn("FUSE_NOTIFY_RESEND failed (errno %d): requests the previous daemon had taken "
                        + "stay unanswered (kernel older than 6.9?)", libc_h.errno(s.callState));
            } else {
                Log.info("asked the kernel to resend requests the previous daemon had not answered");
            }
        }
    }

    /**
     * One request from the (non-blocking) device: try to read, and wait in epoll only when there
     * is nothing to read, so a busy daemon makes one syscall per request.
     */
    private long readDevice(Scratch s, int devFd, MemorySegment buf, long len) {
        while (true) {
            // a blocking worker still hands back what it reads after a stop (its loop ends after)
            if (stopping && !blocking) {
                exitSession();
                return -1;
            }
            long n = libc_h.read(s.callState, devFd, buf, len);
            if (n >= 0) {
                if (!initSeen) captureInit(buf, n);
                return n;
            }
            int e = libc_h.errno(s.callState);
            if (e == Errno.EAGAIN) {
                int r = libc_h.epoll_wait(s.callState, s.epoll(), s.event, 1, -1);
                if (r < 0 && libc_h.errno(s.callState) != Errno.EINTR) return fail("epoll_wait", libc_h.errno(s.callState));
                if (r > 0 && epoll_event.data(s.event) == STOP_TOKEN) stopping = true;
                continue;
            }
            if (e == Errno.EINTR || e == Errno.ENOENT) continue;
            if (e == Errno.EINVAL) return TOO_SMALL;
            if (e == Errno.ENODEV) {
                // unmounted (fusermount3 -u, umount) or aborted
                exitSession();
                return -1;
            }
            return fail("read", e);
        }
    }

    private long fail(String call, int errno) {
        Log.once(Log.ERR, "devio-" + call, "%s on /dev/fuse failed: errno %d; stopping", call, errno);
        exitSession();
        return -1;
    }

    private void captureInit(MemorySegment buf, long n) {
        MemorySegment m = Native.view(buf, n);
        if (n >= fuse_in_header.sizeof() && fuse_in_header.opcode(m) == FUSE_INIT) {
            initSeen = true;
            byte[] copy = m.toArray(JAVA_BYTE);
            init = copy;
            try {
                initSink.accept(copy);
            } catch (RuntimeException e) {
                Log.warn("could not keep FUSE_INIT for a later takeover: %s", e.getMessage());
            }
        }
    }

    private void exitSession() {
        MemorySegment se = session;
        if (!se.equals(MemorySegment.NULL)) fuse_lowlevel_h.fuse_session_exit(se);
    }

}
