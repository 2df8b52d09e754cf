package io.jlxcfs.os;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jlxcfs.bindings.libc.cmsghdr;
import io.jlxcfs.bindings.libc.iovec;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.msghdr;
import io.jlxcfs.bindings.libc.pollfd;
import io.jlxcfs.bindings.libc.sockaddr_un;

/**
 * The receiving end of the sd_notify protocol (what systemd listens on): an AF_UNIX datagram
 * socket bound to a path or an abstract name, delivering each datagram's text and the fds it carried (SCM_RIGHTS).
 */
public final class NotifySocket implements AutoCloseable {

    /** One datagram. */
    public record Message(String text, List<Integer> fds) {
    }

    private static final int AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, SOL_SOCKET = 1, SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MAX_FDS = 16;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final String address;

    private NotifySocket(int fd, String address) {
        this.fd = fd;
        this.address = address;
    }

    public static NotifySocket bind(Path path) {
        return bind(path.toString());
    }

    /** Binds {@code address}: a socket path, or {@code @name} in the abstract namespace (as NOTIFY_SOCKET). */
    public static NotifySocket bind(String address) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment addr = sockaddr_un.allocate(a);
            int len = SdNotify.address(addr, address);
            if (len < 0) throw new IllegalArgumentException("not a usable AF_UNIX address: " + address);
            int fd = libc_h.socket(cs, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new IllegalStateException("socket: errno " + libc_h.errno(cs));
            if (libc_h.bind(cs, fd, addr, len) != 0) {
                int e = libc_h.errno(cs);
                libc_h.close(cs, fd);
                throw new IllegalStateException("bind " + address + ": errno " + e);
            }
            return new NotifySocket(fd, address);
        }
    }

    public String address() {
        return address;
    }

    /** The next datagram, or null when none arrived within {@code timeoutMs}. */
    public Message receive(int timeoutMs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment p = pollfd.allocate(a);
            pollfd.fd(p, fd);
            pollfd.events(p, (short) 1);
            if (libc_h.poll(cs, p, 1, timeoutMs) <= 0) return null;
            MemorySegment data = a.allocate(4096);
            MemorySegment iov = iovec.allocate(a);
            iovec.iov_base(iov, data);
            iovec.iov_len(iov, data.byteSize());
            long ctlLen = cmsghdr.sizeof() + MAX_FDS * 4L;
            MemorySegment ctl = a.allocate(ctlLen, 8);
            MemorySegment msg = msghdr.allocate(a);
            msg.fill((byte) 0);
            msghdr.msg_iov(msg, iov);
            msghdr.msg_iovlen(msg, 1);
            msghdr.msg_control(msg, ctl);
            msghdr.msg_controllen(msg, ctlLen);
            long n = libc_h.recvmsg(cs, fd, msg, MSG_CMSG_CLOEXEC);
            if (n < 0) return null;
            String text = new String(data.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
            List<Integer> fds = new ArrayList<>();
            long used = msghdr.msg_controllen(msg);
            long off = 0;
            while (off + cmsghdr.sizeof() <= used) {
                MemorySegment c = ctl.asSlice(off);
                long len = cmsghdr.cmsg_len(c);
                if (len < cmsghdr.sizeof()) break;
                if (cmsghdr.cmsg_level(c) == SOL_SOCKET && cmsghdr.cmsg_type(c) == SCM_RIGHTS) {
                    long count = (len - cmsghdr.sizeof()) / 4;
                    for (int i = 0; i < count; i++) fds.add(c.get(JAVA_INT, cmsghdr.sizeof() + 4L * i));
                }
                off += (len + 7) & ~7L;
            }
            return new Message(text, fds);
        }
    }

    @Override
    public void close() {
        try (Arena a = Arena.ofConfined()) {
            libc_h.close(libc_h.callState(a), fd);
        }
        arena.close();
        if (!address.startsWith("/")) return; // abstract: nothing on disk
        try {
            java.nio.file.Files.deleteIfExists(Path.of(address));
        } catch (java.io.IOException e) {
            // a stale socket file is harmless
        }
    }
}
