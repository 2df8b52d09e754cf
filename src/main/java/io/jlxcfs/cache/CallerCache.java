package io.jlxcfs.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.caller.CallerResolver;

/**
 * pid -> whose view, validated with one small procfs read per render: the caller's
 * {@code /proc/PID/cgroup} is kept open and re-read with pread. The descriptor is tied to the
 * task, so a pid that exited (and may have been reused) fails the read and is resolved afresh; a
 * changed text (the process moved) is resolved afresh too. A nested namespace's init lives as long
 * as its namespace, so a live caller proves its init; entries are still re-resolved after
 * {@code maxAgeNanos} (an init moved to another cgroup without its children).
 */
final class CallerCache {

    private record Known(FileChannel cgroup, String text, Caller caller, long resolvedAt) {
    }

    private final CallerResolver resolver;
    private final Path procRoot;
    private final int maxEntries;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final Map<Integer, Known> entries;
    private final ThreadLocal<ByteBuffer> buf = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(4096));

    CallerCache(CallerResolver resolver, Path procRoot, int maxEntries, long maxAgeNanos, LongSupplier clock) {
        this.resolver = resolver;
        this.procRoot = procRoot;
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAgeNanos;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Known> e) {
                if (size() <= CallerCache.this.maxEntries) return false;
                close(e.getValue().cgroup());
                return true;
            }
        };
    }

    /** The caller's view, or null (pid 0, gone, unresolvable: the host file). */
    Caller resolve(int pid) {
        if (pid <= 0) return null;
        Known e;
        synchronized (entries) {
            e = entries.get(pid);
        }
        if (e != null) {
            String now = read(e.cgroup());
            if (now != null && now.equals(e.text()) && clock.getAsLong() - e.resolvedAt() < maxAgeNanos) {
                return e.caller();
            }
            forget(pid, e);
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(procRoot.resolve(pid + "/cgroup"), StandardOpenOption.READ);
        } catch (IOException | RuntimeException ex) {
            return resolver.resolve(pid); // gone: the resolver logs and answers null
        }
        String text = read(ch);
        Caller c = text == null ? null : resolver.resolve(pid);
        if (c == null) {
            close(ch);
            return null;
        }
        synchronized (entries) {
            Known prev = entries.put(pid, new Known(ch, text, c, clock.getAsLong()));
            if (prev != null) close(prev.cgroup());
        }
        return c;
    }

    private void forget(int pid, Known e) {
        synchronized (entries) {
            entries.remove(pid, e);
        }
        close(e.cgroup());
    }

    private String read(FileChannel ch) {
        ByteBuffer b = buf.get();
        b.clear();
        try {
            int n = ch.read(b, 0);
            if (n <= 0) return null;
            b.flip();
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return new String(out, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Drops callers that exited (their read fails) or are past their age. */
    void prune() {
        java.util.List<Integer> dead = new java.util.ArrayList<>();
        long now = clock.getAsLong();
        synchronized (entries) {
            for (Map.Entry<Integer, Known> e : entries.entrySet()) {
                if (now - e.getValue().resolvedAt() >= maxAgeNanos) dead.add(e.getKey());
            }
            for (Integer pid : dead) {
                Known k = entries.remove(pid);
                if (k != null) close(k.cgroup());
            }
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    void clear() {
        synchronized (entries) {
            entries.values().forEach(e -> close(e.cgroup()));
            entries.clear();
        }
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
