package io.jlxcfs.cgroup;

/**
 * The CPU side of one caller's cgroups (the cpu, cpuacct and cpuset controllers may sit at
 * different paths).
 *
 * @param cpuset       effective cpuset (host CPU numbers, ascending); null if unknown
 * @param quotaCpus    minimum quota/period over the cgroup and its ancestors; 0 if there is no quota
 * @param perCpuUser   v1 cpuacct.usage_all user ns per host CPU (index = CPU); null on v2 or if unknown
 * @param perCpuSystem v1 cpuacct.usage_all system ns per host CPU; null on v2 or if unknown
 * @param userUsec     v2 cpu.stat user_usec (v1: 0)
 * @param systemUsec   v2 cpu.stat system_usec (v1: 0)
 * @param usageNs      total CPU time: v1 cpuacct.usage, v2 cpu.stat usage_usec * 1000; -1 if unknown
 */
public record CpuStats(int[] cpuset, double quotaCpus, long[] perCpuUser, long[] perCpuSystem,
                       long userUsec, long systemUsec, long usageNs) {

    public CpuStats {
        cpuset = cpuset == null ? null : cpuset.clone();
        perCpuUser = perCpuUser == null ? null : perCpuUser.clone();
        perCpuSystem = perCpuSystem == null ? null : perCpuSystem.clone();
    }

    @Override
    public int[] cpuset() {
        return cpuset == null ? null : cpuset.clone();
    }

    public boolean hasPerCpu() {
        return perCpuUser != null;
    }

    public long user(int cpu) {
        return perCpuUser != null && cpu < perCpuUser.length ? perCpuUser[cpu] : 0;
    }

    public long system(int cpu) {
        return perCpuSystem != null && cpu < perCpuSystem.length ? perCpuSystem[cpu] : 0;
    }
}
