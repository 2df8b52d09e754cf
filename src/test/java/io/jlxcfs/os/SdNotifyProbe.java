package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.jlxcfs.bindings.libc.libc_h;

/**
 * A child JVM for the tests. {@code notify}: sends READY/STATUS/STOPPING through $NOTIFY_SOCKET.
 * {@code fdstore}: under fdstore-sim, the first run stores a memfd holding a marker and dies;
 * the restarted run finds it in LISTEN_FDS and prints what it reads.
 */
public final class SdNotifyProbe {

    private SdNotifyProbe() {
    }

    public static void main(String[] args) {
        switch (args[0]) {
            case "notify" -> {
                System.out.println("available=" + SdNotify.available());
                SdNotify.notify("READY=1");
                SdNotify.notify("STATUS=probe running");
                SdNotify.notify("STOPPING=1");
                System.out.println("watchdog=" + SdNotify.watchdogIntervalMicros());
            }
            case "fdstore" -> System.exit(fdstore());
            default -> System.exit(2);
        }
    }

    private static int fdstore() {
        List<ListenFd> fds = SdNotify.listenFds();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            if (fds.isEmpty()) {
                int fd = libc_h.memfd_create(cs, a.allocateFrom("jlxcfs-probe"), 0);
                byte[] marker = ("stored-by-pid-" + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
                libc_h.write(cs, fd, a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, marker), marker.length);
                System.out.println("run1 stored=" + new String(marker, StandardCharsets.UTF_8)
                        + " sent=" + SdNotify.notifyWithFds("FDSTORE=1\nFDNAME=probe", fd));
                SdNotify.notify("READY=1");
                return 3; // die: the manager restarts us with the stored fd
            }
            ListenFd f = fds.getFirst();
            MemorySegment buf = a.allocate(256);
            long n = libc_h.pread(cs, f.fd(), buf, buf.byteSize(), 0);
            String got = n < 0 ? "errno " + libc_h.errno(cs) : new String(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            System.out.println("run2 fd=" + f.fd() + " name=" + f.name() + " read=" + got + " again=" + SdNotify.listenFds().size());
            SdNotify.notify("READY=1");
            return 0;
        }
    }
}
