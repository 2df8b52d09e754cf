package io.jlxcfs.render;

/**
 * A thread's text builder for renders, reused: a render then allocates its result and nothing
 * that grows on the way. Renderers do not nest, so one builder per thread is enough.
 */
final class Scratch {

    private static final ThreadLocal<StringBuilder> BUILDER = ThreadLocal.withInitial(() -> new StringBuilder(8192));

    private Scratch() {
    }

    /** A builder kept between renders grows to at most this (a 256-CPU cpuinfo is not kept). */
    private static final int KEEP = 64 << 10;

    /** This thread's builder, emptied. */
    static StringBuilder builder() {
        StringBuilder sb = BUILDER.get();
        if (sb.capacity() > KEEP) {
            sb = new StringBuilder(8192);
            BUILDER.set(sb);
        }
        sb.setLength(0);
        return sb;
    }
}
