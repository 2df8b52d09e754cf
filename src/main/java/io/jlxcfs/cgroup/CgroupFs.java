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
        int lines = 1;
        for (int i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) lines++;
        Counters m = new Counters(lines);
        // one pass over the text: no line strings, digits parsed in place
        int n = s.length();
        for (int at = 0; at < n; ) {
            int eol = s.indexOf('\n', at);
            if (eol < 0) eol = n;
            int sp = s.indexOf(' ', at);
            if (sp > at && sp < eol) {
                long v = digits(s, sp + 1, eol);
                if (v >= 0) m.add(Keys.of(s, at, sp), v);
                else if (v == -2) { // not plain digits: the general rules (trim, huge values)
                    Long big = Values.counter(s.substring(sp + 1, eol));
                    if (big != null) m.add(Keys.of(s, at, sp), big);
                }
            }
            at = eol + 1;
        }
        return m;
    }

    /** The decimal number in s[from, to): -2 if it is not 1-18 plain digits (let Values decide). */
    private static long digits(String s, int from, int to) {
        if (to - from < 1 || to - from > 18) return -2;
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
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
        private static final String[] TABLE = new String[SIZE];

        private Keys() {
        }

        /** s[from, to) as a shared string. */
        static String of(String s, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
            int at = (h ^ (h >>> 16)) & (SIZE - 1);
            for (int probe = 0; probe < 8; probe++, at = (at + 1) & (SIZE - 1)) {
                String k = TABLE[at];
                if (k == null) {
                    k = s.substring(from, to);
                    TABLE[at] = k;
                    return k;
                }
                if (k.length() == to - from && s.startsWith(k, from)) return k;
            }
            return s.substring(from, to);
        }
    }
}
