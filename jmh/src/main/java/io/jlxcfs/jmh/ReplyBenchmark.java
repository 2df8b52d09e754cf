package io.jlxcfs.jmh;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.jlxcfs.bindings.Native;
import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Snapshot;
import io.jlxcfs.vfs.Node;
import io.jlxcfs.vfs.Tree;

/**
 * The reply side of a read without FUSE, for a heap snapshot ({@code MemorySegment.ofArray}, what
 * {@code Views} and host-file reads give) and an off-heap one (an automatic-arena buffer, what
 * {@code ViewCache} gives):
 * <ul>
 * <li>{@code readToEof}: a reader's read() calls at offsets 0, chunk, 2 chunk... up to the empty
 * read at EOF, each doing what {@code Ops.read} does before {@code fuse_reply_buf}: the handle
 * lookup, the snapshot (stored at offset 0, fetched later), the length arithmetic and
 * {@code asSlice(off, n)}; the rendering itself is replaced by the ready snapshot;</li>
 * <li>{@code slice}: one {@code asSlice} in the middle of the snapshot;</li>
 * <li>{@code makeSnapshot}: turning rendered bytes into the snapshot: a heap wrap, or allocate +
 * copy off-heap (the extra work of a {@code ViewCache} miss).</li>
 * </ul>
 * {@code fuse_reply_buf} is bound as a critical downcall with heap access, so neither kind is
 * copied again on the way to the kernel.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ReplyBenchmark {

    @Param({"heap", "offheap"})
    public String kind;

    /** Snapshot size: 1536 ~ a meminfo, 32768 ~ cpuinfo of a dozen CPUs. */
    @Param({"1536", "32768"})
    public int size;

    /** The reader's buffer: 4096 (small reads, several round trips), 131072 (cat: one read + EOF). */
    @State(Scope.Thread)
    public static class Reader {
        @Param({"4096", "131072"})
        public int chunk;
    }

    private byte[] rendered;
    private Snapshot snapshot;
    private Handles handles;
    private Node node;
    private long fh;

    @Setup
    public void setUp() {
        rendered = new byte[size];
        new Random(42).nextBytes(rendered);
        snapshot = snapshot(rendered);
        handles = new Handles();
        node = meminfoNode();
        fh = handles.open(node);
    }

    /** The tree's proc/meminfo node (public API: lookups from the root). */
    static Node meminfoNode() {
        Tree tree = new Tree(Path.of("/sys"));
        return tree.lookup(tree.lookup(Tree.ROOT, "proc").ino(), "meminfo");
    }

    /** A snapshot as the daemon makes one: heap bytes, or a malloc'd copy (what the cache keeps). */
    private Snapshot snapshot(byte[] b) {
        return switch (kind) {
            case "heap" -> Snapshot.of(b);
            case "offheap" -> {
                MemorySegment seg = Native.malloc(b.length);
                MemorySegment.copy(MemorySegment.ofArray(b), 0, seg, 0, b.length);
                yield new Snapshot() {
                    @Override
                    public MemorySegment segment() {
                        return seg;
                    }

                    @Override
                    public boolean retain() {
                        return true;
                    }

                    @Override
                    public void release() {
                    }
                };
            }
            default -> throw new IllegalArgumentException("kind must be heap or offheap: " + kind);
        };
    }

    @Benchmark
    public long readToEof(Reader r, Blackhole bh) {
        long off = 0;
        while (true) {
            Handles.Handle h = handles.get(fh, node);
            Snapshot snap = off == 0 ? null : h.acquire();
            if (snap == null) {
                snap = snapshot;
                if (snap.retain()) h.keep(snap);
            }
            MemorySegment data = snap.segment();
            long len = data.byteSize();
            long n = off >= len ? 0 : Math.min(r.chunk, len - off);
            bh.consume(n == 0 ? MemorySegment.NULL : data.asSlice(off, n));
            snap.release();
            if (n == 0) return off;
            off += n;
        }
    }

    @Benchmark
    public MemorySegment slice() {
        long off = size / 2;
        MemorySegment s = snapshot.segment();
        return s.asSlice(off, Math.min(4096, s.byteSize() - off));
    }

    /** Making a snapshot and freeing it (malloc + copy + free off-heap; a wrap on the heap). */
    @Benchmark
    public long makeSnapshot() {
        Snapshot s = snapshot(rendered);
        long n = s.segment().byteSize();
        if (kind.equals("offheap")) Native.free(s.segment());
        return n;
    }
}
