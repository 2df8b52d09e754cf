package io.jlxcfs.render;

import io.jlxcfs.host.HostStat;

/**
 * /proc/stat: a "cpu" line that sums the visible CPUs, one "cpuN" line per visible CPU numbered
 * 0..k-1, then the host's other lines with procs_running/procs_blocked replaced when known.
 */
public final class StatRenderer {

    private StatRenderer() {
    }

    /**
     * @param rows    per visible CPU, 10 counters in USER_HZ
     * @param running threads in state R in the cgroup, or -1 for the host's line
     * @param blocked threads in state D in the cgroup, or -1 for the host's line
     */
    public static String render(HostStat host, long[][] rows, int running, int blocked) {
        StringBuilder sb = Scratch.builder();
        long[] sum = new long[HostStat.FIELDS];
        for (long[] r : rows) {
            for (int j = 0; j < HostStat.FIELDS; j++) sum[j] += r[j];
        }
        cpuLine(sb.append("cpu "), sum);
        for (int i = 0; i < rows.length; i++) cpuLine(sb.append("cpu").append(i), rows[i]);
        for (String line : host.other()) {
            if (running >= 0 && line.startsWith("procs_running ")) sb.append("procs_running ").append(running);
            else if (blocked >= 0 && line.startsWith("procs_blocked ")) sb.append("procs_blocked ").append(blocked);
            else sb.append(line);
            sb.append('\n');
        }
        return sb.toString();
    }

    private static void cpuLine(StringBuilder sb, long[] v) {
        for (long x : v) sb.append(' ').append(x);
        sb.append('\n');
    }
}
