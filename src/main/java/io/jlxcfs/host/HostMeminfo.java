package io.jlxcfs.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host's /proc/meminfo, line by line, in order: an index over the kernel's text (where each
 * line and its key end, and its number), so a render copies the lines it does not replace
 * straight from the text and a parse allocates three small arrays, not an object per line.
 */
public final class HostMeminfo {

    /**
     * @param key   the name before the colon ("MemTotal", "Active(anon)")
     * @param kb    the number (kB for most lines, a count for HugePages_*); -1 if the line has none
     * @param raw   the line as the kernel wrote it
     */
    public record Line(String key, long kb, String raw) {
    }

    /**
     * The keys of a meminfo text, line by line. A kernel prints the same keys in the same order
     * on every read, so consecutive parses share one layout: a key's line is then looked up
     * instead of searched, and a renderer can work out once per layout which lines it replaces.
     */
    public static final class Layout {
        private final String[] keys;
        /** Key -> its first line. */
        private final java.util.Map<String, Integer> first;

        private Layout(String text, int size, int[] start, int[] keyEnd) {
            keys = new String[size];
            java.util.Map<String, Integer> f = new java.util.HashMap<>();
            for (int i = 0; i < size; i++) {
                keys[i] = text.substring(start[i], keyEnd[i]);
                f.putIfAbsent(keys[i], i);
            }
            first = java.util.Map.copyOf(f);
        }

        private boolean matches(String text, int size, int[] start, int[] keyEnd) {
            if (size != keys.length) return false;
            for (int i = 0; i < size; i++) {
                String k = keys[i];
                if (keyEnd[i] - start[i] != k.length() || !text.startsWith(k, start[i])) return false;
            }
            return true;
        }

        /** The first line with key {@code key}, or -1. */
        int line(String key) {
            Integer i = first.get(key);
            return i == null ? -1 : i;
        }
    }

    /** The layout of the last parse (racing parses may replace each other's: it is made again). */
    private static volatile Layout last;

    private final String text;
    private final Layout layout;
    private final int size;
    /** Per line: start in {@link #text}; the next line's start is past this line's newline. */
    private final int[] start;
    /** Per line: end of the key (the colon, or the line's end without one). */
    private final int[] keyEnd;
    /** Per line: end of the line (its newline or the text's end). */
    private final int[] end;

    private HostMeminfo(String text, int size, int[] start, int[] keyEnd, int[] end) {
        Layout l = last;
        if (l == null || !l.matches(text, size, start, keyEnd)) last = l = new Layout(text, size, start, keyEnd);
        this.layout = l;
        this.text = text;
        this.size = size;
        this.start = start;
        this.keyEnd = keyEnd;
        this.end = end;
    }

    public static HostMeminfo parse(String text) {
        int cap = 64;
        int[] start = new int[cap], keyEnd = new int[cap], end = new int[cap];
        int size = 0, n = text.length();
        for (int at = 0; at < n; ) {
            int eol = text.indexOf('\n', at);
            if (eol < 0) eol = n;
            if (eol > at) {
                if (size == cap) {
                    cap *= 2;
                    start = Arrays.copyOf(start, cap);
                    keyEnd = Arrays.copyOf(keyEnd, cap);
                    end = Arrays.copyOf(end, cap);
                }
                int colon = text.indexOf(':', at);
                boolean hasColon = colon >= 0 && colon < eol;
                start[size] = at;
                keyEnd[size] = hasColon ? colon : eol;
                end[size] = eol;
                size++;
            }
            at = eol + 1;
        }
        return new HostMeminfo(text, size, start, keyEnd, end);
    }

    /** The first whitespace-separated field of text[from, to) as a number, or -1 if it is not one. */
    private static long firstNumber(String text, int from, int to) {
        int i = from;
        while (i < to && Character.isWhitespace(text.charAt(i))) i++;
        int j = i;
        while (j < to && text.charAt(j) >= '0' && text.charAt(j) <= '9') j++;
        if (j == i || j - i > 18 || (j < to && !Character.isWhitespace(text.charAt(j)))) return -1;
        return Long.parseLong(text, i, j, 10);
    }

    /** The keys line by line, shared with every parse of a text with the same keys in the same order. */
    public Layout layout() {
        return layout;
    }

    /** Number of lines. */
    public int size() {
        return size;
    }

    /** Whether line {@code i}'s key is {@code key}. */
    public boolean keyIs(int i, String key) {
        return keyEnd[i] - start[i] == key.length() && text.startsWith(key, start[i]);
    }

    /** Length of line {@code i}'s key. */
    public int keyLength(int i) {
        return keyEnd[i] - start[i];
    }

    /** Appends line {@code i} as the kernel wrote it, with a newline. */
    public void appendRaw(int i, StringBuilder sb) {
        sb.append(text, start[i], end[i]).append('\n');
    }

    /** Line {@code i}'s number (parsed when asked: a render needs a handful), or -1. */
    private long number(int i) {
        boolean colon = keyEnd[i] < end[i]; // a line without a colon is all key
        return colon ? firstNumber(text, keyEnd[i] + 1, end[i]) : -1;
    }

    /** The value of {@code key} in kB, or {@code dflt} if the host has no such line. */
    public long kb(String key, long dflt) {
        int from = layout.line(key);
        if (from < 0) return dflt;
        for (int i = from; i < size; i++) {
            if (keyIs(i, key)) {
                long v = number(i);
                if (v >= 0) return v;
            }
        }
        return dflt;
    }

    /** Every line as a record (tests, tools; renders use the index). */
    public List<Line> lines() {
        List<Line> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new Line(text.substring(start[i], keyEnd[i]), number(i), text.substring(start[i], end[i])));
        }
        return List.copyOf(out);
    }
}
