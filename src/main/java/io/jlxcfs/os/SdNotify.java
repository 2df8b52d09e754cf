package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jlxcfs.bindings.libc.cmsghdr;
import io.jlxcfs.bindings.libc.iovec;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.msghdr;
import io.jlxcfs.bindings.libc.sockaddr_un;
import io.jlxcfs.daemon.Log;

/**
 * The systemd service protocol, without libsystemd: {@code sd_notify} datagrams to
 * {@code $NOTIFY_SOCKET} (a path, or {@code @name} for the abstract namespace), with file
 * descriptors for the fd store ({@code FDSTORE=1}) as SCM_RIGHTS; the fds systemd hands back at
 * start ({@code LISTEN_FDS}); and the watchdog interval. Nothing here throws: a failure is logged
 * once and reported as {@code false}.
 */
public final class SdNotify {

    static final int AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    static final int MSG_NOSIGNAL = 0x4000;
    static final int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    /** The first fd systemd passes ({@code SD_LISTEN_FDS_START}). */
    public static final int LISTEN_FDS_START = 3;

    private static final AtomicBoolean LISTEN_CONSUMED = new AtomicBoolean();

    private SdNotify() {
    }

    /** Whether the process was started by a service manager that listens ({@code NOTIFY_SOCKET} set). */
    public static boolean available() {
        String s = System.getenv("NOTIFY_SOCKET");
        return s != null && !s.isEmpty();
    }

    /** Sends {@code state} (e.g. {@code READY=1}, {@code STATUS=...}); a no-op outside systemd. */
    public static boolean notify(String state) {
        return notifyWithFds(state);
    }

    /** Sends {@code state} with {@code fds} attached (e.g. {@code FDSTORE=1\nFDNAME=fuse}). */
    public static boolean notifyWithFds(String state, int... fds) {
        if (!available()) return false;
        return send(System.getenv("NOTIFY_SOCKET"), state, fds);
    }

    /**
     * Sends one datagram to {@code address} (a socket path, or {@code @name} for the abstract
     * namespace) with {@code fds} as SCM_RIGHTS. Never throws.
     */
    public static boolean send(String address, String state, int... fds) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment addr = sockaddr_un.allocate(a);
            int addrLen = address(addr, address);
            if (addrLen < 0) return failed("notify-address", "NOTIFY_SOCKET '" + address + "' is not a usable AF_UNIX address", 0);
            int fd = libc_h.socket(cs, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) return failed("notify-socket", "socket(AF_UNIX)", libc_h.errno(cs));
            try {
                MemorySegment msg = message(a, addr, addrLen, state, fds);
                long n = libc_h.sendmsg(cs, fd, msg, MSG_NOSIGNAL);
                if (n < 0) return failed("notify-send", "sendmsg to " + address, libc_h.errno(cs));
                return true;
            } finally {
                libc_h.close(cs, fd);
            }
        } catch (RuntimeException e) {
            return failed("notify-error", "sd_notify: " + e, 0);
        }
    }

    /** Fills a sockaddr_un; returns its length (abstract names count exactly, no NUL), or -1. */
    static int address(MemorySegment addr, String address) {
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean isAbstract = address.startsWith("@");
        if (path.length == 0 || path.length >= 108 || !(isAbstract || address.startsWith("/"))) return -1;
        sockaddr_un.sun_family(addr, (short) AF_UNIX);
        MemorySegment sun = sockaddr_un.sun_path(addr);
        sun.fill((byte) 0);
        MemorySegment.copy(path, 0, sun, ValueLayout.JAVA_BYTE, 0, path.length);
        if (isAbstract) {
            sun.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            return (int) sockaddr_un.sun_path$offset() + path.length;
        }
        return (int) sockaddr_un.sun_path$offset() + path.length + 1;
    }

    private static MemorySegment message(Arena a, MemorySegment addr, int addrLen, String state, int[] fds) {
        byte[] text = state.getBytes(StandardCharsets.UTF_8);
        MemorySegment buf = a.allocate(Math.max(1, text.length));
        MemorySegment.copy(text, 0, buf, ValueLayout.JAVA_BYTE, 0, text.length);
        MemorySegment iov = iovec.allocate(a);
        iovec.iov_base(iov, buf);
        iovec.iov_len(iov, text.length);
        MemorySegment msg = msghdr.allocate(a);
        msghdr.msg_name(msg, addr);
        msghdr.msg_namelen(msg, addrLen);
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, 1);
        if (fds.length > 0) {
            long space = cmsgSpace(4L * fds.length);
            MemorySegment control = a.allocate(space, 8);
            cmsghdr.cmsg_len(control, cmsgLen(4L * fds.length));
            cmsghdr.cmsg_level(control, SOL_SOCKET);
            cmsghdr.cmsg_type(control, SCM_RIGHTS);
            MemorySegment.copy(fds, 0, control, ValueLayout.JAVA_INT, cmsghdr.sizeof(), fds.length);
            msghdr.msg_control(msg, control);
            msghdr.msg_controllen(msg, space);
        }
        return msg;
    }

    /** CMSG_LEN: header plus data, unpadded. */
    static long cmsgLen(long data) {
        return cmsghdr.sizeof() + data;
    }

    /** CMSG_SPACE: header plus data padded to the size_t alignment. */
    static long cmsgSpace(long data) {
        return cmsghdr.sizeof() + ((data + 7) & ~7L);
    }

    /**
     * The fds systemd passed at start (from fd 3 on), once: later calls return an empty list, as
     * sd_listen_fds(unset=1) does. The fds are marked close-on-exec so children never inherit them.
     * The variables cannot be removed from the JVM's environment; {@code LISTEN_PID} keeps any child
     * from taking them as its own, and {@link #withoutListenVariables} cleans a child's environment.
     */
    public static List<ListenFd> listenFds() {
        if (!LISTEN_CONSUMED.compareAndSet(false, true)) return List.of();
        List<ListenFd> fds = parseListenFds(System.getenv(), ProcessHandle.current().pid());
        for (ListenFd f : fds) setCloexec(f.fd());
        return fds;
    }

    /**
     * Pure: the fds described by {@code LISTEN_FDS}/{@code LISTEN_FDNAMES} when {@code LISTEN_PID}
     * is {@code pid}; empty when unset, meant for another process, or malformed.
     */
    public static List<ListenFd> parseListenFds(Map<String, String> env, long pid) {
        String lp = env.get("LISTEN_PID"), lf = env.get("LISTEN_FDS");
        if (lp == null || lf == null) return List.of();
        int n;
        try {
            if (Long.parseLong(lp.strip()) != pid) return List.of();
            n = Integer.parseInt(lf.strip());
        } catch (NumberFormatException e) {
            Log.once(Log.WARNING, "listen-fds-malformed", "ignoring malformed LISTEN_PID/LISTEN_FDS (%s/%s)", lp, lf);
            return List.of();
        }
        if (n <= 0 || n > 4096) return List.of();
        String namesVar = env.get("LISTEN_FDNAMES");
        String[] names = namesVar == null ? new String[0] : namesVar.split(":", -1);
        List<ListenFd> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = i < names.length && !names[i].isEmpty() ? names[i] : "unknown";
            out.add(new ListenFd(LISTEN_FDS_START + i, name));
        }
        return List.copyOf(out);
    }

    /** A copy of {@code env} without the LISTEN_* variables (for a child's ProcessBuilder). */
    public static Map<String, String> withoutListenVariables(Map<String, String> env) {
        env.keySet().removeIf(k -> k.equals("LISTEN_PID") || k.equals("LISTEN_FDS") || k.equals("LISTEN_FDNAMES"));
        return env;
    }

    /**
     * The watchdog interval ({@code WATCHDOG_USEC}) when systemd expects pings from this process
     * ({@code WATCHDOG_PID} unset or ours). Ping ({@link #watchdogPing}) at half of it.
     */
    public static OptionalLong watchdogIntervalMicros() {
        return parseWatchdog(System.getenv(), ProcessHandle.current().pid());
    }

    /** Pure: see {@link #watchdogIntervalMicros()}. */
    public static OptionalLong parseWatchdog(Map<String, String> env, long pid) {
        String usec = env.get("WATCHDOG_USEC"), wpid = env.get("WATCHDOG_PID");
        if (usec == null) return OptionalLong.empty();
        try {
            if (wpid != null && Long.parseLong(wpid.strip()) != pid) return OptionalLong.empty();
            long v = Long.parseLong(usec.strip());
            return v > 0 ? OptionalLong.of(v) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Tells systemd the process is alive ({@code WATCHDOG=1}). */
    public static boolean watchdogPing() {
        return notify("WATCHDOG=1");
    }

    private static void setCloexec(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int flags = libc_h.fcntl(cs, fd, F_GETFD, 0);
            if (flags < 0) {
                failed("listen-fd-invalid", "LISTEN_FDS names fd " + fd + " but it is not open", libc_h.errno(cs));
                return;
            }
            libc_h.fcntl(cs, fd, F_SETFD, flags | FD_CLOEXEC);
        } catch (RuntimeException e) {
            failed("listen-fd-error", "fcntl(" + fd + "): " + e, 0);
        }
    }

    private static boolean failed(String cause, String what, int errno) {
        Log.once(Log.WARNING, "sd-notify-" + cause, "%s failed%s", what, errno == 0 ? "" : " (errno " + errno + ")");
        return false;
    }
}
