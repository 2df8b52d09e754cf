package io.jlxcfs.cgroup;

import java.util.ArrayList;
import java.util.List;

/** Whitespace-separated fields, as {@code s.trim().split("\\s+")} gives them, without a regex per call. */
public final class Fields {

    private Fields() {
    }

    /** The fields of {@code s}; a blank string gives one empty field, as split does. */
    public static String[] of(String s) {
        List<String> out = new ArrayList<>(8);
        int n = s.length(), i = 0;
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) i++;
            if (i >= n) break;
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i))) i++;
            out.add(s.substring(start, i));
        }
        return out.isEmpty() ? new String[] {""} : out.toArray(new String[0]);
    }

    /** The first index from {@code i} (below {@code to}) that is not whitespace, or {@code to}. */
    public static int skipSpace(String s, int i, int to) {
        while (i < to && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /** The first index from {@code i} (below {@code to}) that is whitespace, or {@code to}: a field's end. */
    public static int skipWord(String s, int i, int to) {
        while (i < to && !Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }
}
