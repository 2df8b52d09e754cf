package io.jlxcfs.cgroup;

import java.util.Arrays;
import java.util.List;

/**
 * The keys of a "key value" file in the order the kernel prints them. memory.stat and cpu.stat
 * print the same keys in the same order on every read of every cgroup of a hierarchy, so a read
 * that finds each line's key where the last layout had it (one vectorised byte compare per line)
 * needs no hashing, no key lookup and no table building: only the digits are parsed. A file
 * whose keys differ is parsed the general way ({@link CgroupFs#keyValues(byte[], int)}), which
 * remembers its layout for the next read.
 *
 * <p>Layouts are immutable and kept in a few slots chosen by the first key, two per slot, so
 * memory.stat and cpu.stat (and v1's and v2's) each keep theirs, and two layouts that start alike
 * (cgroup2's cpu.stat with and without the cpu controller) do not evict each other.
 */
final class KeyLayout {

    private static final int SLOTS = 8;
    private static final KeyLayout[] KNOWN = new KeyLayout[2 * SLOTS];

    /** Per line, the key's bytes. */
    private final byte[][] lineKeys;
    /** Per line, the key's slot in {@link #table}. */
    private final int[] lineSlots;
    /** The keys as an open-addressed table, shared by every map parsed along this layout. */
    private final String[] table;

    private KeyLayout(List<String> keys) {
        int n = keys.size();
        lineKeys = new byte[n][];
        lineSlots = new int[n];
        table = new String[Counters.tableSize(n)];
        for (int i = 0; i < n; i++) {
            String k = keys.get(i);
            lineKeys[i] = k.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = Counters.slot(table, k);
            table[at] = k;
            lineSlots[i] = at;
        }
    }

    /**
     * Remembers the layout of a file whose every line was "key value" (keys as the general parse
     * made them, in file order; repeated keys are fine).
     */
    static void remember(List<String> keys) {
        if (keys.isEmpty() || keys.size() > 4096) return;
        int slot = 2 * slotOf(keys.getFirst().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0,
                keys.getFirst().length());
        KNOWN[slot + 1] = KNOWN[slot]; // racing writers may lose a layout: it is made again
        KNOWN[slot] = new KeyLayout(keys);
    }

    private static int slotOf(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + b[i];
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    /**
     * b[0, n) parsed along the layout its first key names, or null if there is none or the file's
     * keys are not that layout's (the general parse then decides). Values as the general parse
     * takes them ({@link CgroupFs#value}).
     */
    static Counters parse(byte[] b, int n) {
        int sp = 0;
        while (sp < n && b[sp] != ' ' && b[sp] != '\n') sp++;
        if (sp == 0 || sp >= n || b[sp] != ' ') return null;
        int slot = 2 * slotOf(b, 0, sp);
        for (int way = 0; way < 2; way++) {
            KeyLayout l = KNOWN[slot + way];
            Counters m = l == null ? null : l.along(b, n);
            if (m != null) return m;
        }
        return null;
    }

    private Counters along(byte[] b, int n) {
        Counters m = new Counters(table);
        int at = 0;
        for (int i = 0; i < lineKeys.length; i++) {
            byte[] k = lineKeys[i];
            int end = at + k.length;
            if (end >= n || b[end] != ' ' || !Arrays.equals(b, at, end, k, 0, k.length)) return null;
            int eol = CgroupFs.indexOf(b, (byte) '\n', end + 1, n);
            long v = CgroupFs.value(b, end + 1, eol);
            if (v >= 0) m.set(lineSlots[i], v);
            at = eol + 1;
        }
        return at >= n ? m : null; // lines past the layout's: not this layout
    }
}
