package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** {@code FileChannel.open} + reads into one reused direct buffer + {@code close}. */
final class ChannelReadLoop implements ReadLoop {

    private final Path[] paths;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);

    ChannelReadLoop(List<Path> files) {
        paths = files.toArray(Path[]::new);
    }

    @Override
    public long readWhole(int index) throws IOException {
        long total = 0;
        try (FileChannel ch = FileChannel.open(paths[index], StandardOpenOption.READ)) {
            int r;
            while ((r = ch.read(buffer.clear())) >= 0) total += r;
        }
        return total;
    }

    @Override
    public void close() {
    }
}
