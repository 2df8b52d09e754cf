package io.jlxcfs.daemon;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.bindings.libc.pollfd;
import io.jlxcfs.os.ListenFd;
import io.jlxcfs.os.SdNotify;

/**
 * Keeps a FUSE connection alive across daemon restarts with systemd's file-descriptor store: a
 * dup of the /dev/fuse fd ({@value #FUSE_NAME}) and a memfd holding the mountpoint and the
 * kernel's FUSE_INIT ({@value #INIT_NAME}). The next daemon gets both back as LISTEN_FDS and
 * takes the connection over instead of mounting.
 */
final class Handover {

    static final String FUSE_NAME = "jlxcfs-fuse";
    static final String INIT_NAME = "jlxcfs-init";
    private static final byte[] MAGIC = "JLXCFS-INIT-1\n".getBytes(StandardCharsets.US_ASCII);
    private static final short POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;

    /** A connection the previous daemon left in the store. */
    record Stored(int fuseFd, byte[] init) {
    }

    private Handover() {
    }

    /** The stored connection for {@code mnt}, if one is usable; unusable stored fds are closed. */
    static Stored fromStore(List<ListenFd> fds, Path mnt) {
        int fuse = -1, init = -1;
        for (ListenFd f : fds) {
            if (f.name().equals(FUSE_NAME) && fuse < 0) fuse = f.fd();
            else if (f.name().equals(INIT_NAME) && init < 0) init = f.fd();
            else close(f.fd());
        }
        if (fuse < 0 || init < 0) {
            close(fuse);
            close(init);
            return null;
        }
        byte[] blob = readAll(init);
        close(init);
        byte[] fuseInit = blob == null ? null : parse(blob, mnt.toString());
        if (fuseInit == null) {
            Log.warn("the stored FUSE connection is for another mountpoint or unreadable; mounting afresh");
            close(fuse);
            return null;
        }
        if (!alive(fuse)) {
            Log.warn("the stored FUSE connection was aborted; mounting afresh");
            close(fuse);
            return null;
        }
        return new Stored(fuse, fuseInit);
    }

    /** Hands the connection to the store; true when systemd has it. */
    static boolean store(int fuseFd, byte[] init, Path mnt) {
        if (!SdNotify.available()) return false;
        byte[] blob = blob(init, mnt.toString());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int memfd = libc_h.memfd_create(cs, a.allocateFrom("jlxcfs-init"), 1 /* MFD_CLOEXEC */);
            if (memfd < 0) {
                Log.warn("memfd_create failed (errno %d): restarts will remount", libc_h.errno(cs));
                return false;
            }
            try {
                MemorySegment buf = a.allocateFrom(ValueLayout.JAVA_BYTE, blob);
                if (libc_h.write(cs, memfd, buf, blob.length) != blob.length) {
                    Log.warn("writing the FUSE_INIT copy failed (errno %d)", libc_h.errno(cs));
                    return false;
                }
                boolean ok = SdNotify.notifyWithFds("FDSTORE=1\nFDNAME=" + INIT_NAME, memfd)
                        && SdNotify.notifyWithFds("FDSTORE=1\nFDNAME=" + FUSE_NAME, fuseFd);
                if (ok) Log.info("FUSE connection kept in the service manager's fd store");
                return ok;
            } finally {
                libc_h.close(cs, memfd);
            }
        }
    }

    static byte[] blob(byte[] init, String mnt) {
        byte[] m = (mnt + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[MAGIC.length + m.length + init.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(m, 0, out, MAGIC.length, m.length);
        System.arraycopy(init, 0, out, MAGIC.length + m.length, init.length);
        return out;
    }

    /** The FUSE_INIT in {@code blob} if it was saved for {@code mnt}, else null. */
    static byte[] parse(byte[] blob, String mnt) {
        if (blob.length < MAGIC.length || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) return null;
        int nl = -1;
        for (int i = MAGIC.length; i < blob.length; i++) {
            if (blob[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) return null;
        String saved = new String(blob, MAGIC.length, nl - MAGIC.length, StandardCharsets.UTF_8);
        if (!saved.equals(mnt)) return null;
        byte[] init = Arrays.copyOfRange(blob, nl + 1, blob.length);
        return init.length >= 40 ? init : null;
    }

    private static byte[] readAll(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment buf = a.allocate(8192);
            long n = libc_h.pread(cs, fd, buf, buf.byteSize(), 0);
            return n <= 0 ? null : buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** A /dev/fuse fd whose connection was aborted polls POLLERR. */
    static boolean alive(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment p = pollfd.allocate(a);
            pollfd.fd(p, fd);
            pollfd.events(p, (short) 1);
            int r = libc_h.poll(cs, p, 1, 0);
            if (r < 0) return false;
            return (pollfd.revents(p) & (POLLERR | POLLHUP | POLLNVAL)) == 0;
        }
    }

    static void close(int fd) {
        io.jlxcfs.os.MountNs.close(fd);
    }
}
