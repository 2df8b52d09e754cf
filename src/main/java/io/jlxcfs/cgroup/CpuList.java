package io.jlxcfs.cgroup;

import java.util.Arrays;
import java.util.BitSet;

/** The kernel's CPU list format ("0-3,5"): parsing and printing. */
public final class CpuList {

    private static final int MAX_CPU = 1 << 16;

    private CpuList() {
    }

    /** The CPUs in a list, ascending; null for garbage; empty for an empty list. */
    public static int[] parse(String s) {
        if (s == null) return null;
        String t = s.trim();
        BitSet set = new BitSet();
        if (t.isEmpty()) return new int[0];
        for (String part : t.split(",")) {
            int dash = part.indexOf('-');
            Long lo = Values.counter(dash < 0 ? part : part.substring(0, dash));
            Long hi = dash < 0 ? lo : Values.counter(part.substring(dash + 1));
            if (lo == null || hi == null || lo > hi || hi >= MAX_CPU) return null;
            set.set(lo.intValue(), hi.intValue() + 1);
        }
        return set.stream().toArray();
    }

    /** The list "0-(n-1)" for n CPUs ("0" for one, "" for none). */
    public static String firstN(int n) {
        if (n <= 0) return "";
        return n == 1 ? "0" : "0-" + (n - 1);
    }

    /** Intersection of two ascending CPU arrays. */
    public static int[] intersect(int[] a, int[] b) {
        return Arrays.stream(a).filter(x -> Arrays.binarySearch(b, x) >= 0).toArray();
    }
}
