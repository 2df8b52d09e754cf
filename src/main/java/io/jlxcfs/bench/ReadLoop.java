package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One reader's loop body, as a monitoring agent does it: open, read to EOF, close. An instance
 * belongs to one thread and keeps its buffer across calls, so the hot loop allocates nothing (the
 * {@link Kind#NATIVE} loop; the JDK loops allocate their channel/stream objects per open, which is
 * why they are kept only for comparison).
 */
public interface ReadLoop extends AutoCloseable {

    /** Read buffer size: the C reference loop (readbench.c) uses 64 KiB, and so must we, since under
     *  FUSE direct_io every read() is a round trip and the buffer size decides how many there are. */
    int BUFFER_SIZE = 64 * 1024;

    /**
     * Opens file number {@code index} of the list given at construction, reads it to EOF, closes it.
     *
     * @return bytes read
     * @throws IOException if open or read fails (a failing run measures nothing useful)
     */
    long readWhole(int index) throws IOException;

    @Override
    void close();

    /** The loop implementations. */
    enum Kind {
        /** libc open/read/close through the FFM bindings into one native buffer: allocation-free. */
        NATIVE,
        /** {@code FileChannel.open} + {@code read(direct ByteBuffer)} + {@code close}. */
        CHANNEL,
        /** {@code new FileInputStream} + {@code read(byte[])} + {@code close}. */
        STREAM;

        public ReadLoop open(List<Path> files) {
            return switch (this) {
                case NATIVE -> new NativeReadLoop(files);
                case CHANNEL -> new ChannelReadLoop(files);
                case STREAM -> new StreamReadLoop(files);
            };
        }
    }
}
