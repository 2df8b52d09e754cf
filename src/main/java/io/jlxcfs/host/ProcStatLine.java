package io.jlxcfs.host;

/**
 * Fields of a {@code /proc/PID/stat} line, read in place: the comm in parentheses may hold spaces
 * and parentheses, so fields are counted from the last ')'. No split, no string per field: the
 * thread counts read this line once per thread of a container.
 */
public final class ProcStatLine {

    private ProcStatLine() {
    }

    /** Field 3, the state letter (R, S, D, ...); 0 if the line has none. */
    public static char state(String s) {
        int at = start(s, 3);
        return at < 0 ? 0 : s.charAt(at);
    }

    /** Numeric field {@code n} (1-based, as proc(5) counts; n >= 3); -1 if absent or not a number. */
    public static long number(String s, int n) {
        int at = start(s, n);
        if (at < 0) return -1;
        int end = at;
        while (end < s.length() && s.charAt(end) != ' ' && s.charAt(end) != '\n') end++;
        if (end - at > 18) return -1;
        try {
            return Long.parseLong(s, at, end, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Where field {@code n} (n >= 3) begins, or -1. */
    private static int start(String s, int n) {
        int close = s.lastIndexOf(')');
        if (close < 0) return -1;
        int at = close + 1;
        for (int field = 3; ; field++) {
            while (at < s.length() && s.charAt(at) == ' ') at++;
            if (at >= s.length() || s.charAt(at) == '\n') return -1;
            if (field == n) return at;
            while (at < s.length() && s.charAt(at) != ' ' && s.charAt(at) != '\n') at++;
        }
    }
}
