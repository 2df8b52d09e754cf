package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.jlxcfs.bindings.libc.libc_h;

/**
 * Mount-namespace operations with Java names: detached mount trees ({@code open_tree}), attaching
 * them ({@code move_mount}) and running a step inside another process's mount namespace.
 *
 * <p>A path of the host is invisible once inside another mount namespace, so the source is opened
 * with {@code open_tree(OPEN_TREE_CLONE)} first and attached after {@code setns}. {@code setns}
 * into a mount namespace needs a thread whose filesystem context is not shared with the rest of
 * the JVM: {@link #inNamespace} runs the step on a fresh platform thread that first does
 * {@code unshare(CLONE_FS)} and is then discarded.
 */
public final class MountNs {

    private static final int OPEN_TREE_CLONE = 1, O_CLOEXEC = 02000000, AT_FDCWD = -100;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 4, MNT_DETACH = 2;
    private static final int CLONE_FS = 0x200, CLONE_NEWNS = 0x20000;
    private static final int O_RDONLY = 0, O_NONBLOCK = 04000;

    private MountNs() {
    }

    /** Thrown with the failing call and its errno. */
    public static final class NsException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int errno;

        NsException(String call, int errno) {
            super(call + " failed: errno " + errno);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /** A detached copy of the mount at {@code path} (a file or directory), as an fd. */
    public static int openTree(String path) throws NsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int fd = libc_h.open_tree(cs, AT_FDCWD, a.allocateFrom(path), OPEN_TREE_CLONE | O_CLOEXEC);
            if (fd < 0) throw new NsException("open_tree(" + path + ")", libc_h.errno(cs));
            return fd;
        }
    }

    /** Attaches the detached tree {@code treeFd} at {@code target} (in the calling thread's namespace). */
    public static void moveMount(int treeFd, String target) throws NsException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int rc = libc_h.move_mount(cs, treeFd, a.allocateFrom(""), AT_FDCWD, a.allocateFrom(target), MOVE_MOUNT_F_EMPTY_PATH);
            if (rc != 0) throw new NsException("move_mount(" + target + ")", libc_h.errno(cs));
        }
    }

    /** Lazily detaches the mount at {@code target}; returns 0 or the errno. */
    public static int umountDetach(String target) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            return libc_h.umount2(cs, a.allocateFrom(target), MNT_DETACH) == 0 ? 0 : libc_h.errno(cs);
        }
    }

    /**
     * Whether {@code path} answers at all: 0 when it opens, else the errno (ENOTCONN, 107, for a
     * FUSE mount whose daemon is gone).
     */
    public static int probe(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int fd = libc_h.open(cs, a.allocateFrom(path), O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
            if (fd < 0) return libc_h.errno(cs);
            libc_h.close(cs, fd);
            return 0;
        }
    }

    public static void close(int fd) {
        if (fd < 0) return;
        try (Arena a = Arena.ofConfined()) {
            libc_h.close(libc_h.callState(a), fd);
        }
    }

    /** An O_PATH fd for {@code path} ({@code /proc/PID/ns/mnt}), or a negative errno. */
    public static int openPath(String path) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int fd = libc_h.open(cs, a.allocateFrom(path), O_RDONLY | O_CLOEXEC, 0);
            return fd >= 0 ? fd : -libc_h.errno(cs);
        }
    }

    /**
     * Runs {@code step} inside the mount namespace {@code nsFd} on a throw-away thread; the step must
     * use only already-loaded classes and native calls (the JVM's own files are not visible there).
     */
    public static <T> T inNamespace(int nsFd, Supplier<T> step) throws NsException, InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("jlxcfs-setns").unstarted(() -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cs = libc_h.callState(a);
                if (libc_h.unshare(cs, CLONE_FS) != 0) {
                    result.set(new NsException("unshare(CLONE_FS)", libc_h.errno(cs)));
                    return;
                }
                if (libc_h.setns(cs, nsFd, CLONE_NEWNS) != 0) {
                    result.set(new NsException("setns(CLONE_NEWNS)", libc_h.errno(cs)));
                    return;
                }
                result.set(step.get());
            } catch (RuntimeException e) {
                result.set(e);
            }
        });
        t.start();
        t.join();
        Object r = result.get();
        if (r instanceof NsException e) throw e;
        if (r instanceof RuntimeException e) throw e;
        @SuppressWarnings("unchecked")
        T v = (T) r;
        return v;
    }
}
