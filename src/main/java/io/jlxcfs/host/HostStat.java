package io.jlxcfs.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.jlxcfs.cgroup.Fields;

/**
 * The host's /proc/stat.
 *
 * @param cpus  per-CPU counters in USER_HZ, keyed by host CPU number (user nice system idle iowait irq
 *              softirq steal guest guest_nice; missing trailing fields are 0)
 * @param other every line that is not a "cpu" line, in order
 */
public record HostStat(Map<Integer, long[]> cpus, List<String> other) {

    public static final int FIELDS = 10;
    public static final int USER = 0, NICE = 1, SYSTEM = 2, IDLE = 3, IOWAIT = 4, GUEST = 8, GUEST_NICE = 9;

    public HostStat {
        cpus = java.util.Collections.unmodifiableMap(new TreeMap<>(cpus));
        other = List.copyOf(other);
    }

    /** Every miss of every container's stat parses this: one pass with indexOf, no split or field array. */
    public static HostStat parse(String text) {
        Map<Integer, long[]> cpus = new TreeMap<>();
        List<String> other = new ArrayList<>();
        int n = text.length();
        for (int at = 0; at < n; ) {
            int eol = text.indexOf('\n', at);
            if (eol < 0) eol = n;
            if (eol > at && !(text.startsWith("cpu", at) && cpuLine(text, at, eol, cpus))) {
                other.add(text.substring(at, eol));
            }
            at = eol + 1;
        }
        return new HostStat(cpus, other);
    }

    /**
     * A "cpu" or "cpuN" line {@code text[from, to)}: the aggregate is dropped, a CPU's fields go to
     * {@code cpus}. False for anything else starting with "cpu" (kept as another line).
     */
    private static boolean cpuLine(String text, int from, int to, Map<Integer, long[]> cpus) {
        int i = from + 3, nameEnd = Fields.skipWord(text, i, to);
        if (nameEnd == i) return true; // "cpu ": the aggregate, made again from the visible CPUs
        int cpu;
        try {
            cpu = Integer.parseInt(text, i, nameEnd, 10);
        } catch (NumberFormatException e) {
            return false;
        }
        if (cpu < 0) return false;
        long[] v = new long[FIELDS];
        int at = nameEnd;
        for (int k = 0; k < FIELDS; k++) {
            at = Fields.skipSpace(text, at, to);
            if (at >= to) break;
            int end = Fields.skipWord(text, at, to);
            try {
                v[k] = Long.parseLong(text, at, end, 10);
            } catch (NumberFormatException e) {
                return false;
            }
            at = end;
        }
        cpus.put(cpu, v);
        return true;
    }

    /** The host CPU numbers, ascending. */
    public int[] cpuNumbers() {
        return cpus.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    /** Busy time of a CPU: all fields but idle and iowait (guest time is already in user/nice). */
    public static long busy(long[] v) {
        long sum = 0;
        for (int i = 0; i < GUEST; i++) {
            if (i != IDLE && i != IOWAIT) sum += v[i];
        }
        return sum;
    }
}
