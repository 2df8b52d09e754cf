package io.jlxcfs.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
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

import io.jlxcfs.bindings.libc.cgroupstats;
import io.jlxcfs.bindings.libc.genlmsghdr;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.nlattr;
import io.jlxcfs.bindings.libc.nlmsghdr;
import io.jlxcfs.cgroup.CgroupFs;

/**
 * How many of a cgroup's tasks are in each scheduler state, counted by the kernel: the taskstats
 * generic-netlink family's {@code CGROUPSTATS_CMD_GET} ({@code linux/cgroupstats.h}), given a
 * descriptor of the cgroup's directory. One request per cgroup instead of one
 * {@code /proc/TID/stat} read per thread: a container running a JVM has hundreds of threads.
 *
 * <p>The kernel answers for cgroup v1 directories only (cgroup2 directories get EINVAL). Where
 * the family does not answer at all (a kernel without taskstats, a filter on netlink sockets)
 * {@link #of} answers null and callers count threads themselves; on kernel 6.18 it answers from
 * a new network namespace too ({@code unshare -n}). Not privileged. One netlink socket per
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
    /** nla_type's top bits are flags (NLA_F_NESTED, NLA_F_NET_BYTEORDER). */
    private static final int NLA_TYPE_MASK = 0x3fff;

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
        return subtree(PLAIN, dir);
    }

    private static final CgroupFs PLAIN = new CgroupFs();

    /** A cgroup's own counts and whether it has no child cgroup. */
    private record Own(Counts counts, boolean leaf) {
    }

    /**
     * As {@link #subtree(Path)}, with directory descriptors from {@code fs} (the daemon keeps
     * them open). A leaf, the common case, costs one request and one fstat on a kept descriptor.
     */
    public static Counts subtree(CgroupFs fs, Path dir) {
        if (family() <= 0) return null;
        Channel ch = CHANNEL.get();
        if (ch.fd < 0) return null;
        Own own = fs.withDir(dir, fd -> {
            Counts c = ch.ask(fd);
            return c == null ? null : new Own(c, ch.leaf(fd));
        });
        if (own == null) return null;
        if (own.leaf()) return own.counts(); // a leaf cgroup needs no listing
        Counts sum = Counts.ZERO;
        try (Stream<Path> all = Files.walk(dir, MAX_DEPTH)) {
            List<Path> dirs = all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            for (Path d : dirs) {
                Counts c = d.equals(dir) ? own.counts() : fs.withDir(d, ch::ask);
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
        return PLAIN.withDir(dir, ch::ask);
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

    /** A thread's netlink socket and buffers (requests and replies laid out by the libc bindings). */
    private static final class Channel {
        final Arena arena = Arena.ofAuto();
        final MemorySegment cs = libc_h.callState(arena);
        final MemorySegment out = arena.allocate(64, 8);
        final MemorySegment in = arena.allocate(8192, 8);
        final MemorySegment st = io.jlxcfs.bindings.libc.stat.allocate(arena);
        /** An 8-aligned copy of the reply's struct, should an attribute ever sit 4-aligned. */
        final MemorySegment stats = cgroupstats.allocate(arena);
        final int fd;
        int seq;

        Channel() {
            fd = libc_h.socket(cs, AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_GENERIC);
        }

        /** One request out, its reply in (the reply's length), or -1. */
        private int exchange(int len) {
            int s = ++seq;
            nlmsghdr.nlmsg_seq(out, s);
            if (libc_h.write(cs, fd, out, len) != len) return -1;
            while (true) {
                long n = libc_h.read(cs, fd, in, in.byteSize());
                if (n < nlmsghdr.sizeof()) return -1;
                if (nlmsghdr.nlmsg_seq(in) == s) return (int) Math.min(n, Integer.toUnsignedLong(nlmsghdr.nlmsg_len(in)));
                // a stale reply to an earlier request that gave up: skip it
            }
        }

        /** Fills the netlink and generic-netlink headers of a request of {@code len} bytes. */
        private void header(int len, int type, int cmd) {
            out.fill((byte) 0);
            nlmsghdr.nlmsg_len(out, len);
            nlmsghdr.nlmsg_type(out, (short) type);
            nlmsghdr.nlmsg_flags(out, (short) NLM_F_REQUEST);
            MemorySegment genl = out.asSlice(nlmsghdr.sizeof(), genlmsghdr.sizeof());
            genlmsghdr.cmd(genl, (byte) cmd);
            genlmsghdr.version(genl, (byte) 1);
        }

        /** Writes the header of attribute {@code type} with {@code payload} bytes at {@code at}. */
        private void attribute(long at, int type, int payload) {
            MemorySegment a = out.asSlice(at, nlattr.sizeof());
            nlattr.nla_len(a, (short) (nlattr.sizeof() + payload));
            nlattr.nla_type(a, (short) type);
        }

        /** The reply's attribute of {@code type} (its payload), or null. */
        private MemorySegment find(int n, int type, long minPayload) {
            for (long at = nlmsghdr.sizeof() + genlmsghdr.sizeof(); at + nlattr.sizeof() <= n; ) {
                MemorySegment a = in.asSlice(at, nlattr.sizeof());
                int alen = Short.toUnsignedInt(nlattr.nla_len(a));
                if (alen < nlattr.sizeof() || at + alen > n) return null;
                if ((nlattr.nla_type(a) & NLA_TYPE_MASK) == type && alen - nlattr.sizeof() >= minPayload) {
                    return in.asSlice(at + nlattr.sizeof(), alen - nlattr.sizeof());
                }
                at += align(alen);
            }
            return null;
        }

        int familyId() {
            byte[] name = "TASKSTATS\0".getBytes(StandardCharsets.US_ASCII);
            long start = nlmsghdr.sizeof() + genlmsghdr.sizeof();
            int len = (int) start + align(nlattr.sizeof() + name.length);
            header(len, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
            attribute(start, CTRL_ATTR_FAMILY_NAME, name.length);
            MemorySegment.copy(name, 0, out, JAVA_BYTE, start + nlattr.sizeof(), name.length);
            int n = exchange(len);
            if (n < nlmsghdr.sizeof() + genlmsghdr.sizeof() || nlmsghdr.nlmsg_type(in) != GENL_ID_CTRL) return -1;
            MemorySegment id = find(n, CTRL_ATTR_FAMILY_ID, 2);
            return id == null ? -1 : Short.toUnsignedInt(id.get(JAVA_SHORT, 0));
        }

        /**
         * Whether the directory has no subdirectory, by its link count (2 on kernfs for a
         * directory without children); false when unsure.
         */
        boolean leaf(int dirFd) {
            return libc_h.fstat(cs, dirFd, st) == 0 && io.jlxcfs.bindings.libc.stat.st_nlink(st) == 2;
        }

        Counts ask(int cgroupFd) {
            long start = nlmsghdr.sizeof() + genlmsghdr.sizeof();
            int len = (int) start + align(nlattr.sizeof() + 4);
            header(len, family, CGROUPSTATS_CMD_GET);
            attribute(start, CGROUPSTATS_CMD_ATTR_FD, 4);
            out.set(JAVA_INT, start + nlattr.sizeof(), cgroupFd);
            int n = exchange(len);
            if (n < nlmsghdr.sizeof() || Short.toUnsignedInt(nlmsghdr.nlmsg_type(in)) == NLMSG_ERROR) return null;
            MemorySegment v = find(n, CGROUPSTATS_TYPE_CGROUP_STATS, cgroupstats.sizeof());
            if (v == null) return null;
            MemorySegment.copy(v, 0, stats, 0, cgroupstats.sizeof());
            return new Counts(cgroupstats.nr_sleeping(stats), cgroupstats.nr_running(stats), cgroupstats.nr_stopped(stats),
                    cgroupstats.nr_uninterruptible(stats), cgroupstats.nr_io_wait(stats));
        }

        private static int align(long n) {
            return (int) ((n + 3) & ~3);
        }
    }
}
