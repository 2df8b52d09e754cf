package io.jlxcfs.bench;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code new FileInputStream} + {@code read(byte[64 KiB])} until EOF + {@code close}. */
final class StreamReadLoop implements ReadLoop {

    private final File[] files;
    private final byte[] buffer = new byte[BUFFER_SIZE];

    StreamReadLoop(List<Path> paths) {
        files = paths.stream().map(Path::toFile).toArray(File[]::new);
    }

    @Override
    public long readWhole(int index) throws IOException {
        long total = 0;
        try (FileInputStream in = new FileInputStream(files[index])) {
            int r;
            while ((r = in.read(buffer)) >= 0) total += r;
        }
        return total;
    }

    @Override
    public void close() {
    }
}
