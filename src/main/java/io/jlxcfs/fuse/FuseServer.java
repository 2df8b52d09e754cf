package io.jlxcfs.fuse;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.jlxcfs.bindings.fuse.fuse_args;
import io.jlxcfs.bindings.fuse.fuse_buf;
import io.jlxcfs.bindings.fuse.fuse_conn_info;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_h;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_ops;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.daemon.Log;
import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Renderer;
import io.jlxcfs.vfs.Tree;

/**
 * Owns one libfuse low-level session: the ops struct and upcall stubs (in a shared arena that is
 * closed only after the loop has returned and the session is destroyed), the mount, the loop and
 * the teardown, in reverse order of setup.
 *
 * <p>Shutdown never races the loop: {@link #stop()} (from a signal hook, any thread) only sets the
 * exit flag and wakes the workers; the thread that ran {@link #loop()} unmounts and destroys.
 */
public final class FuseServer implements AutoCloseable {

    /** How the session gets its /dev/fuse connection. */
    public sealed interface Connection {
        String mountpoint();

        /** Mount {@code mountpoint} afresh. */
        record Fresh(String mountpoint) implements Connection {
        }

        /** Take over a live connection kept by the fd store, replaying its saved FUSE_INIT. */
        record TakeOver(String mountpoint, int fd, byte[] init) implements Connection {
        }
    }

    /**
     * Callbacks from the session.
     *
     * @param initSink  receives the kernel's raw FUSE_INIT (fresh mounts only)
     * @param onServing runs when the connection is initialised and requests flow
     */
    public record Hooks(Consumer<byte[]> initSink, Runnable onServing) {
    }

    /**
     * Options of the session.
     *
     * @param workers       worker threads
     * @param libfuseLoop   run libfuse's own multi-threaded loop ({@code fuse_session_loop_mt_312})
     *                      instead of jlxcfs's Java workers (for comparison; see {@link #loop()})
     */
    public record Config(Connection connection, List<String> mountOptions, int workers, boolean debug,
                         boolean libfuseLoop) {
        public Config(Connection connection, List<String> mountOptions, int workers, boolean debug) {
            this(connection, mountOptions, workers, debug, false);
        }
    }

    private final Config config;
    private final Ops ops;
    private final Arena arena = Arena.ofShared();
    private final Hooks hooks;
    private MemorySegment session = MemorySegment.NULL;
    private int fd = -1;
    private int stopFd = -1;
    private DevIo io;
    private final Object lock = new Object();
    private boolean destroyed;
    private volatile boolean stopping;
    private volatile boolean keepConnection;

    public FuseServer(Config config, Tree tree, Renderer renderer, Handles handles, Hooks hooks) {
        this.config = config;
        this.ops = new Ops(tree, renderer, handles, hooks.onServing(), Ops.sizes(java.nio.file.Path.of("/proc"), tree.sysRoot()));
        this.hooks = hooks;
    }

    /** Creates the session and mounts (or takes over); the mount serves once {@link #loop()} runs. */
    public void start() {
        MemorySegment callState = libc_h.callState(arena);
        stopFd = libc_h.eventfd(callState, 0, 0x80000 /* EFD_CLOEXEC */);
        if (stopFd < 0) throw new IllegalStateException("eventfd failed: errno " + libc_h.errno(callState));

        MemorySegment args = buildArgs();
        MemorySegment opsStruct = ops.struct(arena);
        session = fuse_lowlevel_h.fuse_session_new(args, opsStruct, fuse_lowlevel_ops.sizeof(), MemorySegment.NULL);
        if (session.equals(MemorySegment.NULL)) {
            throw new IllegalStateException("fuse_session_new failed (bad -o option?)");
        }
        ops.session(session);
        byte[] replay = null;
        switch (config.connection()) {
            case Connection.Fresh f -> {
                int rc = fuse_lowlevel_h.fuse_session_mount(session, arena.allocateFrom(f.mountpoint()));
                if (rc != 0) {
                    destroySession();
                    throw new IllegalStateException("fuse_session_mount(" + f.mountpoint() + ") failed");
                }
                fd = fuse_lowlevel_h.fuse_session_fd(session);
            }
            case Connection.TakeOver t -> {
                fd = t.fd();
                replay = t.init();
            }
        }
        setNonBlocking(fd, config.libfuseLoop());
        io = new DevIo(fd, stopFd, hooks.initSink(), replay, !config.libfuseLoop());
        io.session(session);
        int rc = fuse_lowlevel_h.fuse_session_custom_io(session, io.struct(arena), fd);
        if (rc != 0) {
            throw new IllegalStateException("fuse_session_custom_io failed: " + rc);
        }
    }

    /**
     * Own workers block in read() (one syscall per request); libfuse's loop gets a non-blocking
     * device whose idle workers wait in epoll (see DevIo). The flag lives on the open file, which
     * a previous daemon may have set either way.
     */
    private void setNonBlocking(int devFd, boolean on) {
        MemorySegment cs = libc_h.callState(arena);
        int fl = libc_h.fcntl(cs, devFd, 3 /* F_GETFL */, 0);
        int want = on ? (fl | 04000) : (fl & ~04000); // O_NONBLOCK
        if (fl < 0 || libc_h.fcntl(cs, devFd, 4 /* F_SETFL */, want) < 0) {
            throw new IllegalStateException("fcntl(O_NONBLOCK) on /dev/fuse failed: errno " + libc_h.errno(cs));
        }
    }

    /** The /dev/fuse descriptor of this connection. */
    public int fd() {
        return fd;
    }

    private MemorySegment buildArgs() {
        List<String> argv = new ArrayList<>();
        argv.add("jlxcfs");
        if (config.debug()) argv.add("-d");
        List<String> opts = new ArrayList<>(List.of("fsname=jlxcfs", "subtype=jlxcfs", "allow_other",
                "default_permissions", "ro"));
        for (String o : config.mountOptions()) {
            for (String one : o.split(",")) {
                if (!one.isBlank() && !opts.contains(one.trim())) opts.add(one.trim());
            }
        }
        argv.add("-o");
        argv.add(String.join(",", opts));
        MemorySegment arr = arena.allocate(ADDRESS, argv.size() + 1);
        for (int i = 0; i < argv.size(); i++) {
            arr.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i), StandardCharsets.UTF_8));
        }
        arr.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
        MemorySegment a = fuse_args.allocate(arena);
        fuse_args.argc(a, argv.size());
        fuse_args.argv(a, arr);
        fuse_args.allocated(a, 0);
        return a;
    }

    /**
     * Serves until the daemon stops or the filesystem is unmounted from outside; then unmounts
     * (unless the connection is being handed over) and destroys the session.
     *
     * <p>By default the loop is jlxcfs's own: Java platform threads each calling
     * {@code fuse_session_receive_buf} and {@code fuse_session_process_buf}, which is what
     * libfuse's loop does per worker. libfuse's {@code fuse_session_loop_mt} would run the upcalls
     * on native threads it creates (a JVM attach each, 80-280 µs) and, when the loop ends, it
     * {@code pthread_cancel}s workers that may be inside a Java upcall, which the JVM does not
     * survive; its loop stays available with {@link Config#libfuseLoop()}.
     *
     * @return 0 on a clean stop, else a negative errno
     */
    public int loop() {
        int rc = config.libfuseLoop() ? libfuseLoop() : javaLoop();
        if (keepConnection) keptFd = dupForExec(fd);
        teardown();
        return rc;
    }

    private volatile int keptFd = -1;

    /**
     * After a stop that kept the connection: a descriptor of it that survives {@code execve}
     * (a reload re-executes the daemon in place), or -1.
     */
    public int keptFd() {
        return keptFd;
    }

    private int dupForExec(int devFd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int d = libc_h.dup(cs, devFd); // dup() clears close-on-exec
            if (d < 0) Log.warn("dup of /dev/fuse failed: errno %d", libc_h.errno(cs));
            return d;
        }
    }

    /** The FUSE_INIT this connection was initialised with (captured or replayed), or null. */
    public byte[] init() {
        return io == null ? null : io.init();
    }

    private int libfuseLoop() {
        MemorySegment cfg = fuse_lowlevel_h.fuse_loop_cfg_create();
        try {
            fuse_lowlevel_h.fuse_loop_cfg_set_max_threads(cfg, config.workers());
            fuse_lowlevel_h.fuse_loop_cfg_set_clone_fd(cfg, 0);
            return fuse_lowlevel_h.fuse_session_loop_mt_312(session, cfg);
        } finally {
            fuse_lowlevel_h.fuse_loop_cfg_destroy(cfg);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger alive = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.concurrent.atomic.AtomicInteger idle = new java.util.concurrent.atomic.AtomicInteger();
    /** Workers waiting in the device above which one that finishes a request parks. */
    static final int PARK_ABOVE = 2;
    /** Parked workers, the last parked on top (the hottest is woken first). */
    private final java.util.concurrent.ConcurrentLinkedDeque<Thread> parked = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger result = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Workers are started as libfuse does: one at first, another whenever a worker takes a request
     * and none is left waiting, up to {@link Config#workers()}; idle ones stay (a thread start is
     * not free). The kernel hands each request to the reader that has waited longest, so every
     * worker waiting in the device would take turns and each request would meet the coldest
     * thread (its stack, its buffers, its caches); so a worker that finishes a request while
     * {@link #PARK_ABOVE} others already wait parks instead (last parked, first woken), and a
     * worker that takes the last waiter's place wakes one. A lone client is then served by the
     * two or three threads that stay hot, and a burst still finds every worker.
     */
    private int javaLoop() {
        spawnWorker();
        synchronized (alive) {
            while (alive.get() > 0) {
                try {
                    alive.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop();
                }
            }
        }
        return result.get();
    }

    private void spawnWorker() {
        int n = started.incrementAndGet();
        if (n > Math.max(1, config.workers())) {
            started.decrementAndGet();
            return;
        }
        alive.incrementAndGet();
        try {
            Thread.ofPlatform().name("jlxcfs-fuse-" + (n - 1)).start(this::work);
        } catch (RuntimeException | OutOfMemoryError e) {
            started.decrementAndGet();
            workerGone();
            Log.once(Log.WARNING, "worker-start", "cannot start a FUSE worker: %s", e);
        }
    }

    /** Parks this worker until a worker takes the last waiter's place (or the server stops). */
    private void park() {
        Thread me = Thread.currentThread();
        parked.addFirst(me);
        // looked at again once on the stack: whoever emptied the device before could not see us
        while (idle.get() > 0 && !io.stopping() && parked.contains(me)) {
            java.util.concurrent.locks.LockSupport.park(this);
        }
        parked.remove(me);
    }

    private void workerGone() {
        synchronized (alive) {
            alive.decrementAndGet();
            alive.notifyAll();
        }
    }

    /**
     * libfuse sizes its request buffer for 256 pages of write data plus a page of headers
     * (FUSE_MAX_MAX_PAGES, libfuse 3.14 to 3.18), and the kernel refuses reads into anything
     * smaller than what the connection negotiated, whichever daemon negotiated it. Untouched pages
     * cost nothing: requests to a read-only filesystem are small.
     */
    static final long REQUEST_BUFFER = 257L * 4096;

    /**
     * One worker: reads a request straight from the device into its own buffer (the read hook
     * logic of {@link DevIo}, called from Java, so no upcall per request) and hands it to
     * {@code fuse_session_process_buf}, which calls the one upcall for the operation. A device
     * that refuses the buffer (EINVAL: a connection negotiated for more) falls back to
     * {@code fuse_session_receive_buf}, which sizes its buffer as libfuse does.
     */
    private void work() {
        MemorySegment se = session;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = fuse_buf.allocate(a);
            buf.fill((byte) 0);
            // malloc, not the arena: an arena zeroes (touches) every page
            MemorySegment mem = libc_h.malloc(REQUEST_BUFFER);
            if (mem.equals(MemorySegment.NULL)) throw new OutOfMemoryError("request buffer");
            mem = mem.reinterpret(REQUEST_BUFFER, a, libc_h::free);
            DevIo.Scratch me = io.worker();
            boolean direct = true;
            while (!io.stopping()) {
                idle.incrementAndGet();
                long res;
                if (direct) {
                    res = io.receive(me, mem, REQUEST_BUFFER);
                    if (res == DevIo.TOO_SMALL) {
                        Log.once(Log.NOTICE, "fuse-buffer", "the FUSE connection wants requests buffers over %d bytes; "
                                + "reading through libfuse", REQUEST_BUFFER);
                        direct = false;
                        fuse_buf.mem(buf, MemorySegment.NULL); // libfuse allocates its own
                        idle.decrementAndGet();
                        continue;
                    }
                } else {
                    res = fuse_lowlevel_h.fuse_session_receive_buf(se, buf);
                }
                if (idle.decrementAndGet() == 0 && res > 0 && !io.stopping()) {
                    Thread t = parked.pollFirst(); // the last waiter is busy now: wake the hottest parked one
                    if (t != null) java.util.concurrent.locks.LockSupport.unpark(t);
                    else spawnWorker();
                }
                if (res == -Errno.EINTR || res == -Errno.EAGAIN) continue;
                if (res <= 0) {
                    if (res < 0 && !direct) result.compareAndSet(0, (int) res);
                    break;
                }
                if (direct) {
                    fuse_buf.mem(buf, mem);
                    fuse_buf.size(buf, res);
                    fuse_buf.flags(buf, 0);
                }
                fuse_lowlevel_h.fuse_session_process_buf(se, buf);
                if (idle.get() > PARK_ABOVE) park();
            }
            if (!direct) libc_h.free(fuse_buf.mem(buf));
        } catch (Throwable t) {
            Log.error("FUSE worker %s died: %s", Thread.currentThread().getName(), t);
        } finally {
            workerGone();
            // whoever leaves first makes sure the others do too
            stop();
        }
    }

    /**
     * Workers blocked in read() leave only with a request in hand: send each one a LOOKUP of a
     * name that does not exist (answered ENOENT), from throw-away threads, until all are gone.
     * An unmount or abort (ENODEV) releases them all anyway.
     */
    private void wakeBlockedWorkers() {
        Thread.ofPlatform().daemon().name("jlxcfs-stop").start(() -> {
            long end = System.nanoTime() + 5_000_000_000L;
            java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
            String mnt = config.connection().mountpoint();
            while (alive.get() > 0 && System.nanoTime() < end) {
                String probe = mnt + "/.jlxcfs-stop-" + ProcessHandle.current().pid() + "-" + seq.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> java.nio.file.Files.exists(java.nio.file.Path.of(probe)));
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Makes the loop return (any thread, signal hooks included). */
    public void stop() {
        synchronized (lock) {
            if (stopping || destroyed) return;
            stopping = true;
        }
        if (io != null) io.stop();
        for (Thread t : parked) java.util.concurrent.locks.LockSupport.unpark(t);
        if (config.libfuseLoop()) {
            MemorySegment se = session;
            synchronized (lock) {
                if (!destroyed && !se.equals(MemorySegment.NULL)) fuse_lowlevel_h.fuse_session_exit(se);
            }
            wake();
        } else {
            wakeBlockedWorkers();
        }
    }

    /** Makes the stop eventfd readable: every worker waiting in epoll wakes up. */
    private void wake() {
        synchronized (lock) {
            if (destroyed || stopFd < 0) return;
            try (Arena a = Arena.ofConfined()) {
                MemorySegment one = a.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
                one.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 1L);
                libc_h.write(libc_h.callState(a), stopFd, one, 8);
            }
        }
    }

    /** On the next stop, leave the mount in place: a stored /dev/fuse fd keeps it for the next daemon. */
    public void keepConnectionOnStop(boolean keep) {
        keepConnection = keep;
    }

    public boolean stopping() {
        return stopping;
    }

    private void teardown() {
        synchronized (lock) {
            if (destroyed) return;
            if (!keepConnection && config.connection() instanceof Connection.Fresh f) {
                unmount(f.mountpoint());
            } else if (!keepConnection && config.connection() instanceof Connection.TakeOver t) {
                unmount(t.mountpoint());
            }
            destroySession();
        }
    }

    private void unmount(String mountpoint) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int rc = libc_h.umount2(cs, a.allocateFrom(mountpoint), 2 /* MNT_DETACH */);
            int e = libc_h.errno(cs);
            if (rc != 0 && e != Errno.EINVAL && e != Errno.ENOENT) {
                Log.warn("umount %s failed: errno %d", mountpoint, e);
            }
        }
    }

    private void destroySession() {
        if (!session.equals(MemorySegment.NULL)) {
            // closes the /dev/fuse fd: with no other holder the kernel aborts the connection, so
            // bind mounts left in containers fail fast instead of hanging
            fuse_lowlevel_h.fuse_session_destroy(session);
            session = MemorySegment.NULL;
        }
        destroyed = true;
        if (stopFd >= 0) {
            try (Arena a = Arena.ofConfined()) {
                libc_h.close(libc_h.callState(a), stopFd);
            }
            stopFd = -1;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (!destroyed) destroySession();
        }
        arena.close();
    }

    /** Request counters, readable by operators through {@code jlxcfs stats}. */
    public static final class Counters {
        public final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();
        public final java.util.concurrent.atomic.LongAdder reads = new java.util.concurrent.atomic.LongAdder();
        public final java.util.concurrent.atomic.LongAdder renders = new java.util.concurrent.atomic.LongAdder();
        public final java.util.concurrent.atomic.LongAdder errors = new java.util.concurrent.atomic.LongAdder();
    }

    /** Counters for operators. */
    public Counters counters() {
        return ops.counters();
    }

    static String initSummary(MemorySegment conn) {
        MemorySegment c = conn;
        return "proto " + fuse_conn_info.proto_major(c) + "." + fuse_conn_info.proto_minor(c)
                + ", capable 0x" + Integer.toHexString(fuse_conn_info.capable(c))
                + ", want 0x" + Integer.toHexString(fuse_conn_info.want(c));
    }

}
