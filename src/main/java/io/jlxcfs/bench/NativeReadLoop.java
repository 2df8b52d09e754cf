package io.jlxcfs.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

import io.jlxcfs.bindings.libc.libc_h;

/**
 * The C loop in Java: {@code open(O_RDONLY|O_CLOEXEC)}, {@code read(fd, buf, 64 KiB)} until 0,
 * {@code close}, with the paths encoded once and one native buffer, so nothing is allocated per read.
 */
final class NativeReadLoop implements ReadLoop {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = 4;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment[] paths;
    private final String[] names;
    private final MemorySegment buffer = arena.allocate(BUFFER_SIZE, 4096);
    private final MemorySegment callState = libc_h.callState(arena);

    NativeReadLoop(List<Path> files) {
        paths = new MemorySegment[files.size()];
        names = new String[files.size()];
        for (int i = 0; i < paths.length; i++) {
            names[i] = files.get(i).toString();
            paths[i] = arena.allocateFrom(names[i]);
        }
    }

    @Override
    public long readWhole(int index) throws IOException {
        int fd = libc_h.open(callState, paths[index], O_RDONLY | O_CLOEXEC, 0);
        if (fd < 0) throw failure("open", index);
        long total = 0;
        while (true) {
            long r = libc_h.read(callState, fd, buffer, BUFFER_SIZE);
            if (r > 0) {
                total += r;
            } else if (r == 0) {
                break;
            } else if (libc_h.errno(callState) != EINTR) {
                IOException e = failure("read", index);
                libc_h.close(callState, fd);
                throw e;
            }
        }
        libc_h.close(callState, fd);
        return total;
    }

    private IOException failure(String what, int index) {
        return new IOException(what + " " + names[index] + ": errno " + libc_h.errno(callState));
    }

    @Override
    public void close() {
        arena.close();
    }
}
