package io.jlxcfs.cache;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;

import io.jlxcfs.bindings.Native;
import io.jlxcfs.vfs.Snapshot;

/**
 * A rendered file in malloc'd memory, freed when its last reference goes: the cache holds one
 * while the buffer is cached, every open file slicing it holds one, and a reply holds one while it
 * is being written. Freed memory is returned at once (an automatic arena would wait for a GC).
 */
final class Buffer implements Snapshot {

    private final MemorySegment segment;
    private final AtomicInteger refs = new AtomicInteger(1);

    private Buffer(MemorySegment segment) {
        this.segment = segment;
    }

    /** A buffer holding a copy of {@code bytes}, with one reference; null if malloc fails. */
    static Buffer copyOf(byte[] bytes) {
        MemorySegment s = Native.malloc(bytes.length);
        if (s == null) return null;
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, s, 0, bytes.length);
        return new Buffer(s);
    }

    @Override
    public MemorySegment segment() {
        return segment;
    }

    long size() {
        return segment.byteSize();
    }

    @Override
    public boolean retain() {
        while (true) {
            int r = refs.get();
            if (r == 0) return false;
            if (refs.compareAndSet(r, r + 1)) return true;
        }
    }

    @Override
    public void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            Native.free(segment);
        } else if (r < 0) {
            throw new IllegalStateException("buffer released more often than retained");
        }
    }
}
