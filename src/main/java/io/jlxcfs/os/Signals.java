package io.jlxcfs.os;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.jlxcfs.bindings.libc.libc_h;

/** kill(2) with Java names, for signals {@link ProcessHandle} cannot send. */
public final class Signals {

    public static final int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    private Signals() {
    }

    /**
     * Sends {@code sig} to {@code pid}.
     *
     * @return 0 on success, else the positive errno (ESRCH = 3 when the process is gone)
     */
    public static int kill(long pid, int sig) {
        if (pid <= 0) throw new IllegalArgumentException("refusing to signal pid " + pid);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            return libc_h.kill(cs, Math.toIntExact(pid), sig) == 0 ? 0 : libc_h.errno(cs);
        }
    }
}
