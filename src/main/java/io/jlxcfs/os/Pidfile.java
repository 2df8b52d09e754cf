package io.jlxcfs.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A locked pidfile: one daemon per file. The lock (fcntl, through {@link FileChannel#tryLock()})
 * is held for the life of the process and dies with it, so a file left by a dead process is
 * simply taken over, while a live holder makes {@link #acquire} fail naming its pid.
 *
 * <p>fcntl locks belong to the process, and closing <em>any</em> descriptor of the file drops
 * them (see {@link FileLock}). So this class never reopens a file it holds ({@link #acquire} and
 * {@link #read} answer from a registry), and nothing else in the daemon may open the pidfile.
 */
public final class Pidfile implements AutoCloseable {

    /** Where the daemon keeps it unless told otherwise. */
    public static final Path DEFAULT = Path.of("/run/jlxcfs.pid");

    /** Another live process holds the pidfile. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient OptionalLong holder;

        HeldException(Path path, OptionalLong holder) {
            super("another jlxcfs is running" + (holder.isPresent() ? " as pid " + holder.getAsLong() : "")
                    + " (it holds the lock on " + path + "); stop it first or use another --pidfile");
            this.holder = holder;
        }

        /** The pid written in the file by the holder, if readable. */
        public OptionalLong holder() {
            return holder;
        }
    }

    /** The pidfiles this JVM holds, by absolute path. */
    private static final Map<Path, Pidfile> HELD = new ConcurrentHashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private Pidfile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates or takes over {@code path}, locks it and writes this process's pid.
     *
     * @throws HeldException when a live process holds it
     * @throws IOException   when the file cannot be created (e.g. no such directory)
     */
    public static synchronized Pidfile acquire(Path path) throws IOException {
        Path key = key(path);
        if (HELD.containsKey(key)) throw new HeldException(path, OptionalLong.of(ProcessHandle.current().pid()));
        Path parent = key.getParent();
        if (parent != null) Files.createDirectories(parent);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            OptionalLong holder = readPid(ch);
            ch.close();
            throw new HeldException(path, holder);
        }
        try {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        Pidfile p = new Pidfile(path, ch, lock);
        HELD.put(key, p);
        return p;
    }

    private static Path key(Path path) {
        return path.toAbsolutePath().normalize();
    }

    /** The pid recorded in a pidfile (whoever wrote it; for messages and tools). */
    public static OptionalLong read(Path path) {
        if (HELD.containsKey(key(path))) return OptionalLong.of(ProcessHandle.current().pid());
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readPid(ch);
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    private static OptionalLong readPid(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(32);
            int n = ch.read(b, 0);
            if (n <= 0) return OptionalLong.empty();
            return OptionalLong.of(Long.parseLong(new String(b.array(), 0, n, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public Path path() {
        return path;
    }

    /** Removes the file and releases the lock (at a clean exit; a crash leaves a stale file that the next start takes over). */
    @Override
    public void close() throws IOException {
        if (!HELD.remove(key(path), this)) return;
        try {
            Files.deleteIfExists(path);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
