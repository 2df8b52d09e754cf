package io.jlxcfs.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.cgroup.CgroupFs;

/**
 * A thread's native read buffer, grown on demand (a many-CPU cpuinfo exceeds a page), with the
 * errno capture its calls need: the kept descriptors of {@link OpenFiles} and {@link CallerCache}
 * are read through it, with no allocation per read.
 */
final class ReadBuffer {

    private static final ThreadLocal<ReadBuffer> MINE = ThreadLocal.withInitial(ReadBuffer::new);

    private final Arena arena = Arena.ofAuto();
    final MemorySegment callState = libc_h.callState(arena);
    private MemorySegment buf = arena.allocate(16 << 10);
    /** Heap copy for {@link #latin1}: a string is then one copy of the bytes, not two. */
    private byte[] heap = new byte[16 << 10];

    private ReadBuffer() {
    }

    /** This thread's buffer. */
    static ReadBuffer mine() {
        return MINE.get();
    }

    /**
     * The whole of {@code fd} from offset 0 (kernfs and seq_file regenerate at 0), as a slice valid
     * until this thread's next call; null on an error (ENODEV: the cgroup was removed; ESRCH: the
     * process is gone). With {@code oneRecord} (see {@link KeptFd#oneRecord}) a read that leaves
     * room in the buffer is the whole file; otherwise reads go on until one returns 0.
     */
    MemorySegment preadAll(int fd, boolean oneRecord) {
        long pos = 0;
        while (true) {
            long room = buf.byteSize() - pos;
            long n = libc_h.pread(callState, fd, buf.asSlice(pos), room, pos);
            if (n < 0) return null;
            if (n == 0 || (oneRecord && n < room)) return buf.asSlice(0, pos + n);
            pos += n;
            if (pos == buf.byteSize()) {
                MemorySegment bigger = arena.allocate(buf.byteSize() * 2);
                bigger.copyFrom(buf);
                buf = bigger;
            }
        }
    }

    /** {@code bytes} (a slice of this buffer, or null) as ISO-8859-1 text, or null. */
    String latin1(MemorySegment bytes) {
        if (bytes == null) return null;
        int n = onHeap(bytes);
        return new String(heap, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes} (a slice of this buffer, or null) as "key value" lines ({@link CgroupFs#keyValues(byte[], int)}), or null. */
    java.util.Map<String, Long> keyValues(MemorySegment bytes) {
        if (bytes == null) return null;
        return CgroupFs.keyValues(heap, onHeap(bytes));
    }

    /** Copies {@code bytes} to the start of this thread's heap array; their length. */
    private int onHeap(MemorySegment bytes) {
        int n = (int) bytes.byteSize();
        if (heap.length < n) heap = new byte[Math.max(n, heap.length * 2)];
        MemorySegment.copy(bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, heap, 0, n);
        return n;
    }
}
