package io.jlxcfs.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import io.jlxcfs.bindings.libc.epoll_event;
import io.jlxcfs.bindings.libc.fanotify_event_metadata;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.daemon.Log;

/**
 * Every change the read path must see before it answers, behind one {@code epoll_wait} with a
 * zero timeout:
 * <ul>
 * <li>limit files written and cgroups removed (the {@link Invalidator}'s inotify descriptor);</li>
 * <li>any write to a file of a cgroup filesystem ({@code fanotify} marks on each cgroup
 * superblock, {@code FAN_MODIFY}): moving a task means writing its id to a {@code cgroup.procs},
 * {@code tasks} or {@code cgroup.threads} file, so while no write to one of those arrived (the
 * event's descriptor names the file), no caller moved and {@link #moves()} stands still;</li>
 * <li>callers that exited: their pidfds become readable when they do, before the pid can be
 * reused.</li>
 * </ul>
 * With nothing pending the caller cache answers from memory: no procfs read per open. Without
 * fanotify (no CAP_SYS_ADMIN, an old kernel) {@link #provesMoves()} is false and every open
 * re-reads the caller's {@code /proc/PID/cgroup}, as before.
 *
 * <p>Events are taken by whichever thread polls first. A thread that finds nothing pending waits
 * for threads that have taken events but not applied them yet, so that "nothing pending" really
 * means "everything before this poll is applied".
 */
final class Changes implements AutoCloseable {

    private static final int EPOLL_CLOEXEC = 0x80000, EPOLL_CTL_ADD = 1, EPOLLIN = 1;
    private static final int FAN_CLOEXEC = 0x1, FAN_NONBLOCK = 0x2, FAN_CLASS_NOTIF = 0x0;
    private static final int FAN_MARK_ADD = 0x1, FAN_MARK_FILESYSTEM = 0x100;
    private static final long FAN_MODIFY = 0x2;
    private static final int O_RDONLY_CLOEXEC = 0x80000, AT_FDCWD = -100;
    /** PIDFD_THREAD (Linux 6.9): a pidfd for one thread, readable when that thread exits. */
    private static final int PIDFD_THREAD = 0x80;
    private static final int EINVAL = 22, EINTR = 4;

    private static final long KIND_INOTIFY = 1L << 32, KIND_FANOTIFY = 2L << 32, KIND_PID = 3L << 32;
    private static final int MAX_EVENTS = 64;

    private final Invalidator invalidator;
    private final IntConsumer exited;
    private final int epfd;
    private final int fanFd;
    private final boolean provesMoves;
    private final AtomicLong moves = new AtomicLong();
    private final AtomicLong moveEvents = new AtomicLong();
    /** Threads that have taken events from a descriptor and not applied them yet. */
    private final AtomicInteger applying = new AtomicInteger();
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    private volatile boolean threadPidfds = true;

    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment cs = libc_h.callState(arena);
        final MemorySegment events = epoll_event.allocateArray(MAX_EVENTS, arena);
        final MemorySegment buf = arena.allocate(8192, 8);
    }

    /**
     * @param invalidator the inotify side (limits, removals)
     * @param cgroupMounts mount points of the cgroup filesystems to mark (one per superblock is
     *                     enough); none disables the move proof
     * @param exited       told the pid whose pidfd became readable (the caller exited)
     */
    Changes(Invalidator invalidator, List<Path> cgroupMounts, IntConsumer exited) {
        this.invalidator = invalidator;
        this.exited = exited;
        int ep, fan = -1;
        boolean marked = false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            ep = libc_h.epoll_create1(cs, EPOLL_CLOEXEC);
            if (ep < 0) {
                Log.warn("epoll_create1 failed (errno %d): every open re-reads the caller's cgroup file", libc_h.errno(cs));
            } else if (invalidator.fd() >= 0 && !add(ep, invalidator.fd(), KIND_INOTIFY, cs)) {
                // limit events must never wait on a set that cannot see them: drain inotify directly
                libc_h.close(cs, ep);
                ep = -1;
            } else {
                if (!cgroupMounts.isEmpty()) {
                    fan = libc_h.fanotify_init(cs, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY_CLOEXEC);
                    if (fan < 0) {
                        Log.info("fanotify unavailable (errno %d): every open re-reads the caller's /proc/PID/cgroup",
                                libc_h.errno(cs));
                    } else {
                        marked = true;
                        for (Path m : cgroupMounts) {
                            if (libc_h.fanotify_mark(cs, fan, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_MODIFY, AT_FDCWD,
                                    a.allocateFrom(m.toString())) != 0) {
                                Log.info("fanotify cannot watch %s (errno %d): every open re-reads the caller's "
                                        + "/proc/PID/cgroup", m, libc_h.errno(cs));
                                marked = false;
                                break;
                            }
                        }
                        if (marked) marked = add(ep, fan, KIND_FANOTIFY, cs);
                    }
                }
            }
        }
        this.epfd = ep;
        this.fanFd = fan;
        this.provesMoves = ep >= 0 && marked;
        if (provesMoves) {
            Log.info("caller checks: fanotify on %d cgroup filesystem(s) and pidfds; an open reads nothing while "
                    + "no cgroup file is written", cgroupMounts.size());
        }
    }

    private static boolean add(int ep, int fd, long token, MemorySegment cs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = epoll_event.allocate(a);
            epoll_event.events(ev, EPOLLIN);
            epoll_event.data(ev, token);
            if (libc_h.epoll_ctl(cs, ep, EPOLL_CTL_ADD, fd, ev) == 0) return true;
            Log.warn("epoll_ctl failed (errno %d)", libc_h.errno(cs));
            return false;
        }
    }

    /** Whether a caller that did not read a new {@link #moves()} value provably did not move. */
    boolean provesMoves() {
        return provesMoves;
    }

    /** Advances on every write to a task file (every move) and on lost events. */
    long moves() {
        return moves.get();
    }

    /** Writes to cgroup files seen, task files or not (for operators). */
    long moveEvents() {
        return moveEvents.get();
    }

    /**
     * A pidfd for {@code pid} (the thread the kernel named in the request) that becomes readable
     * when it exits, added to the set; -1 if the kernel cannot give one (then the caller is
     * checked by reading its cgroup file on every open). The pidfd is the caller's to close.
     */
    int watchExit(int pid) {
        if (!provesMoves) return -1;
        Scratch s = scratch.get();
        int fd = -1;
        if (threadPidfds) {
            fd = libc_h.pidfd_open(s.cs, pid, PIDFD_THREAD);
            if (fd < 0 && libc_h.errno(s.cs) == EINVAL) threadPidfds = false; // before 6.9
        }
        // without PIDFD_THREAD only a thread-group leader has a pidfd: readable when the group is gone
        if (fd < 0) fd = libc_h.pidfd_open(s.cs, pid, 0);
        if (fd < 0) return -1;
        if (!add(epfd, fd, KIND_PID | (pid & 0xffffffffL), s.cs)) {
            libc_h.close(s.cs, fd);
            return -1;
        }
        return fd;
    }

    /** Closes a pidfd from {@link #watchExit} (closing it also takes it out of the set). */
    void unwatchExit(int fd) {
        if (fd >= 0) libc_h.close(scratch.get().cs, fd);
    }

    /**
     * Applies everything pending: limit events, cgroup writes, exits. One {@code epoll_wait}
     * when nothing happened.
     */
    void poll() {
        if (epfd < 0) {
            invalidator.drain();
            return;
        }
        Scratch s = scratch.get();
        while (true) {
            int n = libc_h.epoll_wait(s.cs, epfd, s.events, MAX_EVENTS, 0);
            // a zero timeout never sleeps, so EINTR is not expected; if it comes, pending events may too
            if (n < 0 && libc_h.errno(s.cs) == EINTR) continue;
            if (n <= 0) break;
            applying.incrementAndGet();
            try {
                for (int i = 0; i < n; i++) {
                    long token = epoll_event.data(epoll_event.asSlice(s.events, i));
                    long kind = token & 0xffffffff00000000L;
                    if (kind == KIND_INOTIFY) invalidator.drain();
                    else if (kind == KIND_FANOTIFY) drainFanotify(s);
                    else if (kind == KIND_PID) exited.accept((int) token);
                }
            } finally {
                applying.decrementAndGet();
            }
            if (n < MAX_EVENTS) break;
        }
        // events another thread took before this poll may not be applied yet
        for (int spins = 0; applying.get() > 0; spins++) {
            if (spins < 100) Thread.onSpinWait();
            else Thread.yield();
        }
    }

    /**
     * Reads every queued fanotify event and closes the descriptors they carry. Only a write to a
     * task file ({@code cgroup.procs}, {@code tasks}, {@code cgroup.threads}) can move a task, so
     * only those (or an event whose file cannot be named: a lost event, a queue overflow) make
     * callers check again; limit writes are the inotify side's.
     */
    private void drainFanotify(Scratch s) {
        boolean move = false;
        while (true) {
            long n = libc_h.read(s.cs, fanFd, s.buf, s.buf.byteSize());
            if (n <= 0) break;
            long off = 0;
            while (off + fanotify_event_metadata.sizeof() <= n) {
                MemorySegment ev = s.buf.asSlice(off);
                int len = fanotify_event_metadata.event_len(ev);
                int fd = fanotify_event_metadata.fd(ev);
                if (fd >= 0) {
                    move |= movesTasks(fd);
                    libc_h.close(s.cs, fd);
                } else {
                    move = true; // FAN_NOFD: the queue overflowed
                }
                moveEvents.incrementAndGet();
                if (len <= 0) break;
                off += len;
            }
        }
        // bumped after the queue is empty: a later poll that sees no event sees this value
        if (move) moves.incrementAndGet();
    }

    /** The task files: writing a pid or tid to one of these is how a task moves. */
    private static final Set<String> TASK_FILES = Set.of("cgroup.procs", "tasks", "cgroup.threads");

    /** Whether the file behind an event's descriptor is a task file; true when it cannot be named. */
    static boolean movesTasks(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.endsWith(" (deleted)")) target = target.substring(0, target.length() - 10);
            return TASK_FILES.contains(target.substring(target.lastIndexOf('/') + 1));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * The cgroup filesystems mounted here, one mount point per superblock, from
     * {@code /proc/self/mountinfo}.
     */
    static List<Path> cgroupMounts(Path mountinfo) {
        List<Path> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try {
            for (String line : Files.readAllLines(mountinfo)) {
                int dash = line.indexOf(" - ");
                if (dash < 0) continue;
                String[] post = line.substring(dash + 3).split(" ");
                if (post.length == 0 || !(post[0].equals("cgroup") || post[0].equals("cgroup2"))) continue;
                String[] pre = line.substring(0, dash).split(" ");
                if (pre.length < 5 || !seen.add(pre[2])) continue;
                out.add(Path.of(unescape(pre[4])));
            }
        } catch (IOException | RuntimeException e) {
            Log.info("cannot read %s: %s", mountinfo, e);
        }
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public void close() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            if (fanFd >= 0) libc_h.close(cs, fanFd);
            if (epfd >= 0) libc_h.close(cs, epfd);
        }
    }
}
