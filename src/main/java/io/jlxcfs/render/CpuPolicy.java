package io.jlxcfs.render;

import java.util.Arrays;

import io.jlxcfs.cgroup.CpuList;
import io.jlxcfs.cgroup.CpuStats;
import io.jlxcfs.host.HostStat;

/** Which CPUs a container sees and what it has used of them; pure functions. */
public final class CpuPolicy {

    /** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture. */
    public static final long USER_HZ = 100;
    private static final long NS_PER_TICK = 1_000_000_000L / USER_HZ;
    private static final long USEC_PER_TICK = 1_000_000L / USER_HZ;

    private CpuPolicy() {
    }

    /**
     * The visible host CPUs, ascending: the effective cpuset among the host's CPUs (all of them if the
     * cpuset is unknown or disjoint) and, with {@code cfs}, only the first ceil(quota) of those.
     * Visible CPU i is shown as CPU i in cpuinfo, stat and online.
     */
    public static int[] visible(int[] hostCpus, CpuStats cpu, boolean cfs) {
        int[] set = cpu == null ? null : cpu.cpuset();
        int[] base = set == null ? hostCpus : CpuList.intersect(set, hostCpus);
        if (base.length == 0) base = hostCpus;
        if (cfs && cpu != null && cpu.quotaCpus() > 0) {
            int n = (int) Math.max(1, Math.ceil(cpu.quotaCpus() - 1e-9));
            if (n < base.length) base = Arrays.copyOf(base, n);
        }
        return base;
    }

    /**
     * The /proc/stat rows of the visible CPUs (10 fields each, USER_HZ). v1 (per-CPU cpuacct): the
     * cgroup's user/system per CPU, usage on cpuset CPUs hidden by the quota spread evenly over the
     * visible ones; v2 (cpu.stat totals only): user_usec/system_usec spread evenly over the visible
     * CPUs. Idle = host idle + (host busy - cgroup busy), never below the host idle. Without usage
     * data the host's rows.
     */
    public static long[][] statRows(HostStat host, int[] visible, CpuStats cpu) {
        long[][] rows = new long[visible.length][];
        int k = visible.length;
        boolean perCpu = cpu != null && cpu.hasPerCpu();
        boolean totals = cpu != null && !perCpu && cpu.usageNs() >= 0;
        long hiddenUser = 0, hiddenSystem = 0;
        if (perCpu) {
            for (int c : cpu.cpuset()) {
                if (Arrays.binarySearch(visible, c) < 0 && host.cpus().containsKey(c)) {
                    hiddenUser += cpu.user(c);
                    hiddenSystem += cpu.system(c);
                }
            }
        }
        for (int i = 0; i < k; i++) {
            long[] h = host.cpus().get(visible[i]);
            if (!perCpu && !totals) {
                rows[i] = h.clone();
                continue;
            }
            long user, system;
            if (perCpu) {
                user = (cpu.user(visible[i]) + share(hiddenUser, k, i)) / NS_PER_TICK;
                system = (cpu.system(visible[i]) + share(hiddenSystem, k, i)) / NS_PER_TICK;
            } else {
                user = share(cpu.userUsec(), k, i) / USEC_PER_TICK;
                system = share(cpu.systemUsec(), k, i) / USEC_PER_TICK;
            }
            long idle = h[HostStat.IDLE] + Math.max(0, HostStat.busy(h) - user - system);
            long[] r = new long[HostStat.FIELDS];
            r[HostStat.USER] = user;
            r[HostStat.SYSTEM] = system;
            r[HostStat.IDLE] = idle;
            rows[i] = r;
        }
        return rows;
    }

    /** Part i of {@code total} split into k near-equal parts (the remainder goes to the first ones). */
    static long share(long total, int k, int i) {
        return total / k + (i < total % k ? 1 : 0);
    }

    /**
     * Uptime of the container: host uptime minus its init's start time; idle = uptime x visible CPUs
     * - CPU time used by the cgroup, never negative (= uptime when the usage is unknown).
     *
     * @return {uptime, idle} in seconds
     */
    public static double[] uptime(double hostUptime, long initStartTicks, long usageNs, int visibleCpus) {
        double up = Math.max(0, hostUptime - (double) initStartTicks / USER_HZ);
        double idle = usageNs < 0 ? up : Math.max(0, up * visibleCpus - usageNs / 1e9);
        return new double[] {up, idle};
    }
}
