package io.jlxcfs.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    public static HostStat parse(String text) {
        Map<Integer, long[]> cpus = new TreeMap<>();
        List<String> other = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            if (line.startsWith("cpu")) {
                String[] f = io.jlxcfs.cgroup.Fields.of(line);
                if (f[0].equals("cpu")) continue;
                try {
                    int n = Integer.parseInt(f[0].substring(3));
                    long[] v = new long[FIELDS];
                    for (int i = 1; i < f.length && i <= FIELDS; i++) v[i - 1] = Long.parseLong(f[i]);
                    cpus.put(n, v);
                } catch (NumberFormatException e) {
                    other.add(line);
                }
                continue;
            }
            other.add(line);
        }
        return new HostStat(cpus, other);
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
