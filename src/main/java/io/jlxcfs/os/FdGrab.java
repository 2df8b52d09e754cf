package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.jlxcfs.bindings.libc.libc_h;

/** Duplicates another process's descriptor into ours ({@code pidfd_getfd}, Linux 5.6+). */
public final class FdGrab {

    private FdGrab() {
    }

    /** Our copy of {@code pid}'s fd {@code fd}, or a negative errno. */
    public static int grab(long pid, int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int pidfd = libc_h.pidfd_open(cs, Math.toIntExact(pid), 0);
            if (pidfd < 0) return -libc_h.errno(cs);
            try {
                int mine = libc_h.pidfd_getfd(cs, pidfd, fd, 0);
                return mine >= 0 ? mine : -libc_h.errno(cs);
            } finally {
                libc_h.close(cs, pidfd);
            }
        }
    }
}
