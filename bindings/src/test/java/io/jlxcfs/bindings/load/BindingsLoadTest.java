package io.jlxcfs.bindings.load;

import io.jlxcfs.bindings.Native;
import io.jlxcfs.bindings.fuse.FuseVersions;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_h;
import io.jlxcfs.bindings.libc.cmsghdr;
import io.jlxcfs.bindings.libc.epoll_event;
import io.jlxcfs.bindings.libc.inotify_event;
import io.jlxcfs.bindings.libc.iovec;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.msghdr;
import io.jlxcfs.bindings.libc.pollfd;
import io.jlxcfs.bindings.libc.timespec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bindings load here: libfuse3 and libc resolve every symbol, and libc calls round-trip errno and data. */
class BindingsLoadTest {

    // Linux x86_64 values (asm-generic / glibc headers)
    private static final int EBADF = 9;
    private static final int EAGAIN = 11;
    private static final int O_CLOEXEC = 0x80000;
    private static final int O_NONBLOCK = 0x800;
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int IN_CREATE = 0x100;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLLIN = 1;
    private static final short POLLIN = 1;
    private static final int CLOCK_MONOTONIC = 1;

    private Arena arena;
    private MemorySegment cs;
    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        cs = libc_h.callState(arena);
    }

    @AfterEach
    void closeFds() {
        for (int fd : fds) {
            libc_h.close(cs, fd);
        }
        arena.close();
    }

    @Test
    void pkgversionIsTheInstalledRelease() throws IOException {
        String s = Native.cString(fuse_lowlevel_h.fuse_pkgversion());
        assertTrue(Pattern.matches("3\\.\\d+\\.\\d+.*", s), s);
        FuseVersions.Version v = FuseVersions.loaded();
        assertEquals(FuseVersions.Version.parse(s), v);
        String headerMinor = headerDefine("FUSE_MINOR_VERSION");
        if (headerMinor != null) {
            assertEquals("3." + headerMinor, v.major() + "." + v.minor(), "loaded libfuse vs libfuse3-dev headers");
        }
        if (v.minor() < 17) {
            assertEquals(v.major() * 100 + v.minor(), fuse_lowlevel_h.fuse_version());
        }
    }

    @Test
    void everyFuseDowncallResolvesAndLinks() {
        assertEquals(List.of(), touchAll(fuse_lowlevel_h.class, 25));
    }

    @Test
    void everyLibcDowncallResolvesAndLinks() {
        assertEquals(List.of(), touchAll(libc_h.class, 30));
    }

    @Test
    void closeOfBadFdReportsEbadf() {
        assertEquals(-1, libc_h.close(cs, -1));
        assertEquals(EBADF, libc_h.errno(cs));
    }

    @Test
    void eventfdRoundTripsAndEmptyReadIsEagain() {
        int efd = track(libc_h.eventfd(cs, 0, O_CLOEXEC | O_NONBLOCK));
        MemorySegment buf = arena.allocate(JAVA_LONG);
        buf.set(JAVA_LONG, 0, 5L);
        assertEquals(8, libc_h.write(cs, efd, buf, 8));
        buf.set(JAVA_LONG, 0, 0L);
        assertEquals(8, libc_h.read(cs, efd, buf, 8));
        assertEquals(5L, buf.get(JAVA_LONG, 0));
        assertEquals(-1, libc_h.read(cs, efd, buf, 8));
        assertEquals(EAGAIN, libc_h.errno(cs));
    }

    @Test
    void socketpairCarriesBytes() {
        int[] sv = socketpair();
        MemorySegment msg = arena.allocateFrom("hello");
        assertEquals(5, libc_h.write(cs, sv[0], msg, 5));
        MemorySegment in = arena.allocate(16);
        assertEquals(5, libc_h.read(cs, sv[1], in, 16));
        assertEquals("hello", new String(in.asSlice(0, 5).toArray(JAVA_BYTE)));
    }

    /** sendmsg/recvmsg with SCM_RIGHTS: exercises msghdr, iovec and cmsghdr for real. */
    @Test
    void fdPassesThroughScmRights() {
        int efd = track(libc_h.eventfd(cs, 0, O_CLOEXEC | O_NONBLOCK));
        int[] sv = socketpair();
        assertEquals(1, libc_h.sendmsg(cs, sv[0], message(efd), 0));

        MemorySegment rx = message(-1);
        assertEquals(1, libc_h.recvmsg(cs, sv[1], rx, MSG_CMSG_CLOEXEC));
        MemorySegment cmsg = Native.view(msghdr.msg_control(rx), 24);
        assertEquals(SOL_SOCKET, cmsghdr.cmsg_level(cmsg));
        assertEquals(SCM_RIGHTS, cmsghdr.cmsg_type(cmsg));
        int passed = track(cmsg.get(JAVA_INT, cmsghdr.sizeof()));
        assertNotEquals(efd, passed);

        MemorySegment v = arena.allocate(JAVA_LONG);
        v.set(JAVA_LONG, 0, 7L);
        assertEquals(8, libc_h.write(cs, passed, v, 8));
        assertEquals(8, libc_h.read(cs, efd, v, 8));
        assertEquals(7L, v.get(JAVA_LONG, 0), "the received fd is the same eventfd");
    }

    @Test
    void epollReportsAReadyEventfdWithItsData() {
        int efd = track(libc_h.eventfd(cs, 1, O_CLOEXEC | O_NONBLOCK));
        int ep = track(libc_h.epoll_create1(cs, O_CLOEXEC));
        MemorySegment ev = epoll_event.allocate(arena);
        epoll_event.events(ev, EPOLLIN);
        epoll_event.data(ev, 0x1122334455667788L);
        assertEquals(0, libc_h.epoll_ctl(cs, ep, EPOLL_CTL_ADD, efd, ev));

        MemorySegment out = epoll_event.allocateArray(4, arena);
        assertEquals(1, libc_h.epoll_wait(cs, ep, out, 4, 1000));
        assertEquals(EPOLLIN, epoll_event.events(out) & EPOLLIN);
        assertEquals(0x1122334455667788L, epoll_event.data(out));
    }

    @Test
    void inotifyReportsACreatedFileByName(@TempDir Path dir) throws IOException {
        int ifd = track(libc_h.inotify_init1(cs, O_CLOEXEC | O_NONBLOCK));
        int wd = libc_h.inotify_add_watch(cs, ifd, arena.allocateFrom(dir.toString()), IN_CREATE);
        assertTrue(wd >= 0, () -> "inotify_add_watch errno " + libc_h.errno(cs));
        Files.writeString(dir.resolve("probe-file"), "x");

        MemorySegment pfd = pollfd.allocate(arena);
        pollfd.fd(pfd, ifd);
        pollfd.events(pfd, POLLIN);
        assertEquals(1, libc_h.poll(cs, pfd, 1, 2000));
        assertEquals(POLLIN, pollfd.revents(pfd) & POLLIN);

        MemorySegment buf = arena.allocate(4096, 8);
        long n = libc_h.read(cs, ifd, buf, buf.byteSize());
        assertTrue(n >= inotify_event.sizeof(), () -> "read " + n + " errno " + libc_h.errno(cs));
        assertEquals(wd, inotify_event.wd(buf));
        assertEquals(IN_CREATE, inotify_event.mask(buf) & IN_CREATE);
        assertTrue(inotify_event.len(buf) > 0);
        assertEquals("probe-file", buf.getString(inotify_event.sizeof()));
    }

    @Test
    void clockGettimeFillsTimespec() {
        MemorySegment ts = timespec.allocate(arena);
        assertEquals(0, libc_h.clock_gettime(cs, CLOCK_MONOTONIC, ts));
        assertTrue(timespec.tv_sec(ts) > 0 || timespec.tv_nsec(ts) > 0);
        assertTrue(timespec.tv_nsec(ts) < 1_000_000_000L);
    }

    // --- helpers -------------------------------------------------------------------------------

    /** A msghdr with one 1-byte iovec and a 24-byte control buffer (CMSG_SPACE(sizeof(int))). */
    private MemorySegment message(int fdToSend) {
        MemorySegment data = arena.allocate(1);
        data.set(JAVA_BYTE, 0, (byte) 'x');
        MemorySegment iov = iovec.allocate(arena);
        iovec.iov_base(iov, data);
        iovec.iov_len(iov, 1);
        MemorySegment control = arena.allocate(24, 8);
        if (fdToSend >= 0) {
            cmsghdr.cmsg_len(control, cmsghdr.sizeof() + 4); // CMSG_LEN(sizeof(int))
            cmsghdr.cmsg_level(control, SOL_SOCKET);
            cmsghdr.cmsg_type(control, SCM_RIGHTS);
            control.set(JAVA_INT, cmsghdr.sizeof(), fdToSend);
        }
        MemorySegment msg = msghdr.allocate(arena);
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, 1);
        msghdr.msg_control(msg, control);
        msghdr.msg_controllen(msg, control.byteSize());
        return msg;
    }

    private int[] socketpair() {
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, libc_h.socketpair(cs, AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0, sv),
                () -> "socketpair errno " + libc_h.errno(cs));
        return new int[] {track(sv.getAtIndex(JAVA_INT, 0)), track(sv.getAtIndex(JAVA_INT, 1))};
    }

    private int track(int fd) {
        assertTrue(fd >= 0, () -> "errno " + libc_h.errno(cs));
        fds.add(fd);
        return fd;
    }

    /**
     * Calls every {@code f$address()} and {@code f$handle()} of a raw header class: this loads each
     * holder (resolving its symbol by name) and links its downcall with its linker options.
     */
    private static List<String> touchAll(Class<?> header, int atLeast) {
        List<String> failures = new ArrayList<>();
        int touched = 0;
        for (Method m : header.getMethods()) {
            boolean accessor = m.getName().endsWith("$address") || m.getName().endsWith("$handle");
            if (accessor && Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0) {
                touched++;
                String problem = touch(m);
                if (problem != null) {
                    failures.add(problem);
                }
            }
        }
        assertTrue(touched >= 2 * atLeast, header.getSimpleName() + ": only " + touched + " accessors found");
        return failures;
    }

    private static String touch(Method m) {
        try {
            Object r = m.invoke(null);
            if (r instanceof MemorySegment s && s.equals(MemorySegment.NULL)) {
                return m.getName() + " is NULL";
            }
            return r == null ? m.getName() + " returned null" : null;
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause() instanceof ExceptionInInitializerError eie && eie.getCause() != null
                    ? eie.getCause() : e.getCause();
            return m.getName() + ": " + c;
        } catch (IllegalAccessException e) {
            return m.getName() + ": " + e;
        }
    }

    private static String headerDefine(String name) throws IOException {
        Path h = Path.of("/usr/include/fuse3/fuse_common.h");
        if (!Files.isReadable(h)) {
            return null;
        }
        Pattern p = Pattern.compile("#define\\s+" + name + "\\s+(\\d+)");
        return Files.readAllLines(h).stream().map(p::matcher).filter(java.util.regex.Matcher::find)
                .map(mt -> mt.group(1)).findFirst().orElse(null);
    }
}
