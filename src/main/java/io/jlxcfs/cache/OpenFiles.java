package io.jlxcfs.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import io.jlxcfs.cgroup.CgroupFs;

/**
 * Cgroup and host proc files kept open and re-read with {@code pread} at offset 0 (kernfs and
 * seq_file regenerate on every read from 0): a miss costs one syscall per file instead of
 * open + fstat + read + close. Per-process files ({@code /proc/PID/...}) are never kept: a pid
 * can be reused. A file whose cgroup was removed fails with ENODEV; its descriptor is dropped and
 * the read is reported as unreadable, as a fresh open would be.
 */
public final class OpenFiles extends CgroupFs {

    private final Path procRoot;
    private final int maxOpen;
    private final Map<Path, FileChannel> open;
    private final Map<Path, Long> lastUse = new java.util.concurrent.ConcurrentHashMap<>();
    private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 << 10));
    final LongAdder opened = new LongAdder();
    final LongAdder reads = new LongAdder();

    /** @param maxOpen descriptors kept at most; the least recently used are closed first */
    public OpenFiles(Path procRoot, int maxOpen) {
        this.procRoot = procRoot;
        this.maxOpen = maxOpen;
        this.open = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Path, FileChannel> e) {
                if (size() <= OpenFiles.this.maxOpen) return false;
                closeQuietly(e.getValue());
                lastUse.remove(e.getKey());
                return true;
            }
        };
    }

    /** Descriptors currently held. */
    public int held() {
        synchronized (open) {
            return open.size();
        }
    }

    private boolean keepable(Path p) {
        if (!p.startsWith(procRoot)) return true;
        Path rel = procRoot.relativize(p);
        String first = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
        return !first.isEmpty() && !Character.isDigit(first.charAt(0)) && !first.equals("self") && !first.equals("thread-self");
    }

    @Override
    public String read(Path p) {
        if (!keepable(p)) return super.read(p);
        FileChannel ch = channel(p);
        if (ch == null) return null;
        try {
            reads.increment();
            lastUse.put(p, System.nanoTime());
            return pread(ch);
        } catch (IOException | RuntimeException e) {
            drop(p, ch);
            return null;
        }
    }

    @Override
    public boolean exists(Path p) {
        if (keepable(p)) {
            synchronized (open) {
                if (open.containsKey(p)) return true;
            }
        }
        return super.exists(p);
    }

    private FileChannel channel(Path p) {
        synchronized (open) {
            FileChannel ch = open.get(p);
            if (ch != null) return ch;
        }
        try {
            FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
            opened.increment();
            synchronized (open) {
                FileChannel prev = open.putIfAbsent(p, ch);
                if (prev != null) {
                    closeQuietly(ch);
                    return prev;
                }
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private String pread(FileChannel ch) throws IOException {
        ByteBuffer b = buffers.get();
        b.clear();
        long pos = 0;
        while (true) {
            int n = ch.read(b, pos);
            if (n <= 0) break;
            pos += n;
            if (!b.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(b.capacity() * 2);
                b.flip();
                bigger.put(b);
                b = bigger;
                buffers.set(b);
            }
        }
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** Closes descriptors nobody read for {@code unusedNanos}. */
    public void prune(long now, long unusedNanos) {
        synchronized (open) {
            open.entrySet().removeIf(e -> {
                Long t = lastUse.get(e.getKey());
                if (t != null && System.nanoTime() - t < unusedNanos) return false;
                lastUse.remove(e.getKey());
                closeQuietly(e.getValue());
                return true;
            });
        }
    }

    /** Forgets every descriptor below {@code dir} (a removed cgroup). */
    public void forget(Path dir) {
        synchronized (open) {
            open.entrySet().removeIf(e -> {
                if (!e.getKey().startsWith(dir)) return false;
                closeQuietly(e.getValue());
                return true;
            });
        }
    }

    private void drop(Path p, FileChannel ch) {
        synchronized (open) {
            open.remove(p, ch);
        }
        closeQuietly(ch);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    public void close() {
        synchronized (open) {
            open.values().forEach(OpenFiles::closeQuietly);
            open.clear();
        }
    }
}
