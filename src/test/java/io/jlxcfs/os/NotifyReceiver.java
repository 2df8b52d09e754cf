package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import io.jlxcfs.bindings.libc.cmsghdr;
import io.jlxcfs.bindings.libc.iovec;
import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.msghdr;
import io.jlxcfs.bindings.libc.pollfd;
import io.jlxcfs.bindings.libc.sockaddr_un;

/** The service manager's end for tests: an AF_UNIX datagram socket that receives text and SCM_RIGHTS fds. */
final class NotifyReceiver implements AutoCloseable {

    record Datagram(String text, int[] fds) {
    }

    private final Arena arena = Arena.ofShared();
    private final int fd;

    NotifyReceiver(String address) {
        MemorySegment cs = libc_h.callState(arena);
        fd = libc_h.socket(cs, SdNotify.AF_UNIX, SdNotify.SOCK_DGRAM | SdNotify.SOCK_CLOEXEC, 0);
        if (fd < 0) throw new IllegalStateException("socket: errno " + libc_h.errno(cs));
        MemorySegment addr = sockaddr_un.allocate(arena);
        int len = SdNotify.address(addr, address);
        if (libc_h.bind(cs, fd, addr, len) != 0) throw new IllegalStateException("bind " + address + ": errno " + libc_h.errno(cs));
    }

    /** The next datagram, or null after {@code timeoutMs}. */
    Datagram receive(int timeoutMs) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment p = pollfd.allocate(a);
            pollfd.fd(p, fd);
            pollfd.events(p, (short) 1); // POLLIN
            if (libc_h.poll(cs, p, 1, timeoutMs) <= 0) return null;
            MemorySegment buf = a.allocate(4096);
            MemorySegment iov = iovec.allocate(a);
            iovec.iov_base(iov, buf);
            iovec.iov_len(iov, buf.byteSize());
            long space = SdNotify.cmsgSpace(4 * 16);
            MemorySegment control = a.allocate(space, 8);
            MemorySegment msg = msghdr.allocate(a);
            msghdr.msg_iov(msg, iov);
            msghdr.msg_iovlen(msg, 1);
            msghdr.msg_control(msg, control);
            msghdr.msg_controllen(msg, space);
            long n = libc_h.recvmsg(cs, fd, msg, 0x40000000); // MSG_CMSG_CLOEXEC
            if (n < 0) throw new IllegalStateException("recvmsg: errno " + libc_h.errno(cs));
            String text = new String(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            int[] fds = new int[0];
            if (msghdr.msg_controllen(msg) >= cmsghdr.sizeof() && cmsghdr.cmsg_type(control) == SdNotify.SCM_RIGHTS) {
                int count = (int) ((cmsghdr.cmsg_len(control) - cmsghdr.sizeof()) / 4);
                fds = control.asSlice(cmsghdr.sizeof(), 4L * count).toArray(ValueLayout.JAVA_INT);
            }
            return new Datagram(text, fds);
        }
    }

    @Override
    public void close() {
        try (Arena a = Arena.ofConfined()) {
            libc_h.close(libc_h.callState(a), fd);
        }
        arena.close();
    }
}
