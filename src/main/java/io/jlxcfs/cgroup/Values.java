package io.jlxcfs.cgroup;

/** Parsing of the numbers cgroup files hold; all methods are total (never throw). */
public final class Values {

    /** A limit that is absent ("max", -1, or larger than a long): no limit. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    private Values() {
    }

    /**
     * A limit: "max", a negative number (v1's -1) and numbers beyond a long are {@link #UNLIMITED};
     * empty or garbage text is null (unknown).
     */
    public static Long limit(String s) {
        if (s == null) return null;
        String t = s.trim();
        if (t.isEmpty()) return null;
        if (t.equals("max")) return UNLIMITED;
        if (t.startsWith("-")) return isDigits(t, 1) ? UNLIMITED : null;
        if (!isDigits(t, 0)) return null;
        return t.length() > 18 ? parseBig(t) : Long.parseLong(t);
    }

    /** A counter: digits only, saturating at Long.MAX_VALUE; anything else is null. */
    public static Long counter(String s) {
        if (s == null) return null;
        String t = s.trim();
        if (!isDigits(t, 0)) return null;
        return t.length() > 18 ? parseBig(t) : Long.parseLong(t);
    }

    private static long parseBig(String t) {
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return UNLIMITED;
        }
    }

    private static boolean isDigits(String t, int from) {
        if (t.length() <= from) return false;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
