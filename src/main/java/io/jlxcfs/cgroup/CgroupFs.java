package io.jlxcfs.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Small whole-file reads of cgroup and proc files. Every method returns null instead of throwing,
 * so a file that vanished, cannot be read or holds garbage becomes "unknown" for the caller.
 * Tests subclass it to make files disappear between two reads.
 */
public class CgroupFs {

    /** The file's text, or null if it cannot be read. */
    public String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public boolean exists(Path p) {
        return Files.exists(p);
    }

    /** O_RDONLY | O_DIRECTORY | O_CLOEXEC. */
    private static final int O_DIRECTORY_CLOEXEC = 0200000 | 02000000;

    /**
     * Runs {@code use} with a descriptor of the directory {@code dir} (the taskstats request names
     * a cgroup by one); null if it cannot be opened. Here the descriptor is open for the call
     * only; the daemon's kept files keep it.
     */
    public <T> T withDir(Path dir, java.util.function.IntFunction<T> use) {
        int fd;
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment cs = io.jlxcfs.bindings.libc.libc_h.callState(a);
            fd = io.jlxcfs.bindings.libc.libc_h.open(cs, a.allocateFrom(dir.toString(), StandardCharsets.UTF_8),
                    O_DIRECTORY_CLOEXEC, 0);
            if (fd < 0) return null;
            try {
                return use.apply(fd);
            } finally {
                io.jlxcfs.bindings.libc.libc_h.close(cs, fd);
            }
        }
    }

    /**
     * Whether {@code dir} has no subdirectory, by its link count alone (2 + its subdirectories on
     * kernfs, ext4, tmpfs): one stat instead of listing and stat-ing every control file. False
     * when unsure: some file systems (btrfs, overlay) say 1.
     */
    public static boolean isLeaf(Path dir) {
        try {
            return Files.getAttribute(dir, "unix:nlink", LinkOption.NOFOLLOW_LINKS) instanceof Integer n && n == 2;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** "key value" lines (memory.stat, cpu.stat) as a map; null if the file cannot be read. */
    public Map<String, Long> keyValues(Path p) {
        String s = read(p);
        if (s == null) return null;
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return keyValues(b, b.length);
    }

    /**
     * "key value" lines of {@code b[0, n)} as a map: one pass over the bytes, no string per line,
     * digits parsed in place, keys shared across reads ({@link Keys}).
     */
    public static Map<String, Long> keyValues(byte[] b, int n) {
        Counters known = KeyLayout.parse(b, n);
        if (known != null) return known;
        int lines = 1;
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') lines++;
        }
        Counters m = new Counters(lines);
        // the keys in order, for the next read of a file like this one (only if every line is "key value")
        java.util.List<String> layout = new java.util.ArrayList<>(lines);
        for (int at = 0; at < n; ) {
            int eol = indexOf(b, (byte) '\n', at, n);
            int sp = indexOf(b, (byte) ' ', at, eol);
            if (sp > at && sp < eol) {
                String key = Keys.of(b, at, sp);
                if (layout != null) layout.add(key);
                long v = value(b, sp + 1, eol);
                if (v >= 0) m.add(key, v);
            } else {
                layout = null;
            }
            at = eol + 1;
        }
        if (layout != null) KeyLayout.remember(layout);
        return m;
    }

    /**
     * The counter in b[from, to): plain digits parsed in place, anything else by the general rules
     * of {@link Values#counter} (trim, huge values); -1 if it is not one.
     */
    static long value(byte[] b, int from, int to) {
        long v = digits(b, from, to);
        if (v >= 0) return v;
        Long big = Values.counter(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
        return big == null ? -1 : big;
    }

    /** The first {@code c} in b[from, to), or {@code to}. */
    static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) return i;
        }
        return to;
    }

    /** The decimal number in b[from, to): -2 if it is not 1-18 plain digits (let Values decide). */
    private static long digits(byte[] b, int from, int to) {
        if (to - from < 1 || to - from > 18) return -2;
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if (c < '0' || c > '9') return -2;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * The keys of key-value files, made once: memory.stat and cpu.stat name the same few dozen
     * counters on every read, so a read looks its keys up here instead of cutting a new string
     * for each. A fixed open-addressed table; racing inserts may lose one (it is made again).
     */
    static final class Keys {

        private static final int SIZE = 1024;
        /** A key as a string and as the bytes it is matched against; one object, so a reader never sees half. */
        private record Key(String text, byte[] bytes) {
        }

        private static final Key[] TABLE = new Key[SIZE];

        private Keys() {
        }

        /** s[from, to) as a shared string. */
        static String of(String s, int from, int to) {
            return of(s.substring(from, to).getBytes(StandardCharsets.ISO_8859_1), 0, to - from);
        }

        /** b[from, to) (ISO-8859-1) as a shared string. */
        static String of(byte[] b, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) h = 31 * h + (b[i] & 0xff);
            int at = (h ^ (h >>> 16)) & (SIZE - 1);
            for (int probe = 0; probe < 8; probe++, at = (at + 1) & (SIZE - 1)) {
                Key k = TABLE[at];
                if (k == null) {
                    byte[] bytes = java.util.Arrays.copyOfRange(b, from, to);
                    k = new Key(new String(bytes, StandardCharsets.ISO_8859_1), bytes);
                    TABLE[at] = k;
                    return k.text();
                }
                if (java.util.Arrays.equals(k.bytes(), 0, k.bytes().length, b, from, to)) return k.text();
            }
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
