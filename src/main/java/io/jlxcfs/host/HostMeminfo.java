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

    private final String text;
    private final int size;
    /** Per line: start in {@link #text}; the next line's start is past this line's newline. */
    private final int[] start;
    /** Per line: end of the key (the colon, or the line's end without one). */
    private final int[] keyEnd;
    /** Per line: end of the line (its newline or the text's end). */
    private final int[] end;

    private HostMeminfo(String text, int size, int[] start, int[] keyEnd, int[] end) {
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
        for (int i = 0; i < size; i++) {
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
