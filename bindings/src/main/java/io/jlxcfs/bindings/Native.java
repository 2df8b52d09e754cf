// Hand-written helpers for the code above the raw layer, so that only bindings/ calls restricted methods.
package io.jlxcfs.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Small restricted operations the Java-named layer needs, kept in the raw layer. */
@SuppressWarnings("restricted")
public final class Native {

    private Native() {
    }

    /** Reads a NUL-terminated string from a pointer an upcall received. */
    public static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) {
            return null;
        }
        return p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /** Views {@code size} bytes at a pointer an upcall received (valid only during the upcall). */
    public static MemorySegment view(MemorySegment p, long size) {
        return p.reinterpret(size);
    }

    /** Views {@code size} bytes at a pointer, tied to an arena's lifetime. */
    public static MemorySegment view(MemorySegment p, long size, Arena arena) {
        return p.reinterpret(size, arena, null);
    }

    /**
     * {@code size} bytes from malloc, as a segment of exactly that size with no owner: the caller
     * must {@link #free} it once, and never touch it afterwards. Null when malloc fails.
     */
    public static MemorySegment malloc(long size) {
        MemorySegment p = io.jlxcfs.bindings.libc.libc_h.malloc(Math.max(1, size));
        return p.equals(MemorySegment.NULL) ? null : p.reinterpret(size);
    }

    /** Frees a segment from {@link #malloc}. */
    public static void free(MemorySegment s) {
        io.jlxcfs.bindings.libc.libc_h.free(s);
    }

    /** A segment for a raw address (for example a native pointer stored as a long). */
    public static MemorySegment ofAddress(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }
}
