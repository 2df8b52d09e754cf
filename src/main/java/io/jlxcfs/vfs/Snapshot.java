package io.jlxcfs.vfs;

import java.lang.foreign.MemorySegment;

/**
 * One rendered file, as an open file holds it between its read at offset 0 and later reads. A
 * snapshot may live in memory that is freed when the last holder lets go: whoever uses
 * {@link #segment()} holds a reference ({@link #retain()} true) and {@link #release()}s it after.
 */
public interface Snapshot {

    MemorySegment segment();

    /** Takes one more reference; false when the snapshot was already freed (use another). */
    boolean retain();

    /** Drops one reference. */
    void release();

    /** A snapshot of heap bytes (the GC owns it; references are free). */
    static Snapshot of(byte[] bytes) {
        MemorySegment s = MemorySegment.ofArray(bytes);
        return new Snapshot() {
            @Override
            public MemorySegment segment() {
                return s;
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
}
