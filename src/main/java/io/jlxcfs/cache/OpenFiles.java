package io.jlxcfs.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.cgroup.CgroupFs;

/**
 * Cgroup and host proc files kept open and re-read with {@code pread} at offset 0 (kernfs and
 * seq_file regenerate on every read from 0): a miss costs one syscall per file instead of
 * open + fstat + read + close. Per-process files ({@code /proc/PID/...}) are never kept: a pid
 * can be reused. A file whose cgroup was removed fails with ENODEV; its descriptor is dropped and
 * the read is reported as unreadable, as a fresh open would be.
 *
 * <p>Descriptors are plain ints ({@link KeptFd}) in a concurrent map: no lock on the read path,
 * and some 100 bytes of heap per file instead of a FileChannel's object graph (a host with
 * thousands of containers keeps tens of thousands of these).
 */
public final class OpenFiles extends CgroupFs {

    private static final int FIRST_BUFFER = 16 << 10;

    private final Path procRoot;
    private final int maxOpen;
    private final Map<Path, KeptFd> open = new ConcurrentHashMap<>(256);
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
    final LongAdder opened = new LongAdder();
    final LongAdder reads = new LongAdder();

    /** A thread's read buffer (grown for big files such as a many-CPU cpuinfo) and errno capture. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment callState = libc_h.callState(arena);
        MemorySegment buf = arena.allocate(FIRST_BUFFER);
    }

    /** @param maxOpen descriptors kept at most; the least recently used are closed first */
    public OpenFiles(Path procRoot, int maxOpen) {
        this.procRoot = procRoot;
        this.maxOpen = maxOpen;
    }

    /** Descriptors currently held. */
    public int held() {
        return open.size();
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
        Scratch s = scratch.get();
        for (int attempt = 0; attempt < 2; attempt++) {
            KeptFd f = kept(p, s);
            if (f == null) return null;
            if (!f.acquire()) continue; // closed under us (expiry, a removed cgroup): open afresh
            try {
                reads.increment();
                f.lastUse = System.nanoTime();
                String text = pread(s, f.fd);
                if (text == null) drop(p, f);
                return text;
            } finally {
                f.release();
            }
        }
        return null;
    }

    @Override
    public boolean exists(Path p) {
        if (keepable(p) && open.containsKey(p)) return true;
        return super.exists(p);
    }

    private KeptFd kept(Path p, Scratch s) {
        KeptFd f = open.get(p);
        if (f != null) return f;
        f = KeptFd.open(p.toString(), s.callState, System.nanoTime());
        if (f == null) return null;
        opened.increment();
        KeptFd prev = open.putIfAbsent(p, f);
        if (prev != null) {
            f.release();
            return prev;
        }
        if (open.size() > maxOpen) trim();
        return f;
    }

    /** The whole file from offset 0, or null (ENODEV: the cgroup was removed; any error). */
    private static String pread(Scratch s, int fd) {
        long pos = 0;
        while (true) {
            MemorySegment b = s.buf;
            long n = libc_h.pread(s.callState, fd, b.asSlice(pos), b.byteSize() - pos, pos);
            if (n < 0) return null;
            if (n == 0) break;
            pos += n;
            if (pos == b.byteSize()) {
                MemorySegment bigger = s.arena.allocate(b.byteSize() * 2);
                bigger.copyFrom(b);
                s.buf = bigger;
            }
        }
        return new String(s.buf.asSlice(0, pos).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.ISO_8859_1);
    }

    /** Over the cap: closes the least recently read quarter. */
    private synchronized void trim() {
        if (open.size() <= maxOpen) return;
        List<Map.Entry<Path, KeptFd>> all = new ArrayList<>(open.entrySet());
        all.sort(Comparator.comparingLong(x -> x.getValue().lastUse));
        for (int i = 0; i < all.size() / 4 + 1; i++) drop(all.get(i).getKey(), all.get(i).getValue());
    }

    /** Closes descriptors nobody read for {@code unusedNanos}. */
    public void prune(long now, long unusedNanos) {
        long t = System.nanoTime();
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) {
            if (t - e.getValue().lastUse >= unusedNanos) drop(e.getKey(), e.getValue());
        }
    }

    /** Forgets every descriptor below {@code dir} (a removed cgroup). */
    public void forget(Path dir) {
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) {
            if (e.getKey().startsWith(dir)) drop(e.getKey(), e.getValue());
        }
    }

    private void drop(Path p, KeptFd f) {
        if (open.remove(p, f)) f.release();
    }

    public void close() {
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) drop(e.getKey(), e.getValue());
    }
}
