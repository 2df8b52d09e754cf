package io.jlxcfs.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.jlxcfs.bindings.libc.libc_h;

/**
 * How many of a cgroup's tasks are in each scheduler state, counted by the kernel: the taskstats
 * generic-netlink family's {@code CGROUPSTATS_CMD_GET} ({@code linux/cgroupstats.h}), given a
 * descriptor of the cgroup's directory. One request per cgroup instead of one
 * {@code /proc/TID/stat} read per thread: a container running a JVM has hundreds of threads.
 *
 * <p>The kernel answers for cgroup v1 directories only (cgroup2 directories get EINVAL), and only
 * in the initial network namespace (the family is not namespaced): anywhere else {@link #of}
 * answers null and callers count threads themselves. Not privileged. One netlink socket per
 * thread that asks; the reply is queued before the request's {@code write} returns.
 */
public final class CgroupStats {

    /** The kernel's struct cgroupstats: tasks (threads) of one cgroup by state. */
    public record Counts(long sleeping, long running, long stopped, long uninterruptible, long ioWait) {

        static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

        Counts plus(Counts o) {
            return new Counts(sleeping + o.sleeping, running + o.running, stopped + o.stopped,
                    uninterruptible + o.uninterruptible, ioWait + o.ioWait);
        }

        public long total() {
            return sleeping + running + stopped + uninterruptible + ioWait;
        }
    }

    // linux/netlink.h, linux/genetlink.h, linux/taskstats.h, linux/cgroupstats.h
    private static final int AF_NETLINK = 16, SOCK_RAW = 3, SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_GENERIC = 16, NLM_F_REQUEST = 1, NLMSG_ERROR = 2, GENL_ID_CTRL = 0x10;
    private static final int CTRL_CMD_GETFAMILY = 3, CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2;
    private static final int CGROUPSTATS_CMD_GET = 4, CGROUPSTATS_CMD_ATTR_FD = 1, CGROUPSTATS_TYPE_CGROUP_STATS = 1;
    private static final int NLMSG_HDRLEN = 16, GENL_HDRLEN = 4, NLA_HDRLEN = 4, STATS_SIZE = 40;
    private static final int O_RDONLY_DIRECTORY_CLOEXEC = 0200000 | 02000000;

    /** Subtrees deeper than this are not walked. */
    private static final int MAX_DEPTH = 8;

    /** The family's id once asked: > 0 known, 0 not asked yet, -1 not available here. */
    private static volatile int family;

    private static final ThreadLocal<Channel> CHANNEL = ThreadLocal.withInitial(Channel::new);

    private CgroupStats() {
    }

    /** Whether the kernel answers here (asks once). */
    public static boolean available() {
        return family() > 0;
    }

    /**
     * Counts of the tasks of {@code dir} and every cgroup below it; null if the kernel does not
     * answer for it (not a cgroup v1 directory, removed, taskstats unavailable).
     */
    public static Counts subtree(Path dir) {
        Counts own = of(dir);
        if (own == null) return null;
        // a kernfs directory links 2 + its subdirectories: a leaf cgroup needs no listing
        Object links;
        try {
            links = Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (links instanceof Integer n && n == 2) return own; // not <= 2: some file systems say 1 for "unknown"
        Counts sum = Counts.ZERO;
        try (Stream<Path> all = Files.walk(dir, MAX_DEPTH)) {
            List<Path> dirs = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            for (Path d : dirs) {
                Counts c = d.equals(dir) ? own : of(d);
                if (c != null) sum = sum.plus(c); // a child removed meanwhile has no tasks to count
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return sum;
    }

    /** Counts of the tasks of {@code dir} itself; null if the kernel does not answer for it. */
    public static Counts of(Path dir) {
        if (family() <= 0) return null;
        Channel ch = CHANNEL.get();
        if (ch.fd < 0) return null;
        int fd;
        try (Arena a = Arena.ofConfined()) {
            fd = libc_h.open(ch.cs, a.allocateFrom(dir.toString(), StandardCharsets.UTF_8), O_RDONLY_DIRECTORY_CLOEXEC, 0);
        }
        if (fd < 0) return null;
        try {
            return ch.ask(fd);
        } finally {
            libc_h.close(ch.cs, fd);
        }
    }

    private static int family() {
        int f = family;
        if (f != 0) return f;
        synchronized (CgroupStats.class) {
            if (family == 0) {
                Channel ch = CHANNEL.get();
                int id = ch.fd < 0 ? -1 : ch.familyId();
                family = id > 0 ? id : -1;
            }
            return family;
        }
    }

    /** A thread's netlink socket and buffers. */
    private static final class Channel {
        final Arena arena = Arena.ofAuto();
        final MemorySegment cs = libc_h.callState(arena);
        final MemorySegment out = arena.allocate(64, 8);
        final MemorySegment in = arena.allocate(8192, 8);
        final int fd;
        int seq;

        Channel() {
            fd = libc_h.socket(cs, AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_GENERIC);
        }

        /** One request out, its reply in (the reply's length), or -1. */
        private int exchange(int len) {
            int s = ++seq;
            out.set(JAVA_INT, 8, s);
            if (libc_h.write(cs, fd, out, len) != len) return -1;
            while (true) {
                long n = libc_h.read(cs, fd, in, in.byteSize());
                if (n < NLMSG_HDRLEN) return -1;
                if (in.get(JAVA_INT, 8) == s) return (int) Math.min(n, in.get(JAVA_INT, 0));
                // a stale reply to an earlier request that gave up: skip it
            }
        }

        private void header(int len, int type, int cmd) {
            out.fill((byte) 0);
            out.set(JAVA_INT, 0, len);
            out.set(JAVA_SHORT, 4, (short) type);
            out.set(JAVA_SHORT, 6, (short) NLM_F_REQUEST);
            out.set(JAVA_INT, 12, 0);
            out.set(JAVA_BYTE, 16, (byte) cmd);
            out.set(JAVA_BYTE, 17, (byte) 1); // version
        }

        int familyId() {
            byte[] name = "TASKSTATS\0".getBytes(StandardCharsets.US_ASCII);
            int attr = NLA_HDRLEN + name.length;
            int len = NLMSG_HDRLEN + GENL_HDRLEN + align(attr);
            header(len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
            out.set(JAVA_SHORT, 20, (short) attr);
            out.set(JAVA_SHORT, 22, (short) CTRL_ATTR_FAMILY_NAME);
            MemorySegment.copy(name, 0, out, JAVA_BYTE, 24, name.length);
            int n = exchange(len);
            if (n < NLMSG_HDRLEN + GENL_HDRLEN || in.get(JAVA_SHORT, 4) != GENL_ID_CTRL) return -1;
            for (int at = NLMSG_HDRLEN + GENL_HDRLEN; at + NLA_HDRLEN <= n; ) {
                int alen = Short.toUnsignedInt(in.get(JAVA_SHORT, at));
                int type = in.get(JAVA_SHORT, at + 2) & 0x3fff;
                if (alen < NLA_HDRLEN) return -1;
                if (type == CTRL_ATTR_FAMILY_ID && alen >= NLA_HDRLEN + 2) return Short.toUnsignedInt(in.get(JAVA_SHORT, at + 4));
                at += align(alen);
            }
            return -1;
        }

        Counts ask(int cgroupFd) {
            int len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN + 4;
            header(len, family, CGROUPSTATS_CMD_GET);
            out.set(JAVA_SHORT, 20, (short) (NLA_HDRLEN + 4));
            out.set(JAVA_SHORT, 22, (short) CGROUPSTATS_CMD_ATTR_FD);
            out.set(JAVA_INT, 24, cgroupFd);
            int n = exchange(len);
            if (n < NLMSG_HDRLEN || Short.toUnsignedInt(in.get(JAVA_SHORT, 4)) == NLMSG_ERROR) return null;
            for (int at = NLMSG_HDRLEN + GENL_HDRLEN; at + NLA_HDRLEN <= n; ) {
                int alen = Short.toUnsignedInt(in.get(JAVA_SHORT, at));
                int type = in.get(JAVA_SHORT, at + 2) & 0x3fff;
                if (alen < NLA_HDRLEN) return null;
                if (type == CGROUPSTATS_TYPE_CGROUP_STATS && alen >= NLA_HDRLEN + STATS_SIZE && at + NLA_HDRLEN + STATS_SIZE <= n) {
                    int v = at + NLA_HDRLEN; // the struct is 8-aligned in the message (offset 24)
                    return new Counts(in.get(JAVA_LONG_UNALIGNED, v), in.get(JAVA_LONG_UNALIGNED, v + 8), in.get(JAVA_LONG_UNALIGNED, v + 16),
                            in.get(JAVA_LONG_UNALIGNED, v + 24), in.get(JAVA_LONG_UNALIGNED, v + 32));
                }
                at += align(alen);
            }
            return null;
        }

        private static int align(int n) {
            return (n + 3) & ~3;
        }
    }
}
