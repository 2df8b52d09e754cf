package io.jlxcfs.vfs;

/**
 * The files jlxcfs renders per caller, with their path below the mount and the host file each one
 * falls back to. Inode numbers are fixed per path so that a restarted daemon agrees with the kernel.
 */
public enum VirtualFile {
    PROC_CPUINFO("proc/cpuinfo", "/proc/cpuinfo", 0444),
    PROC_DISKSTATS("proc/diskstats", "/proc/diskstats", 0444),
    PROC_LOADAVG("proc/loadavg", "/proc/loadavg", 0444),
    PROC_MEMINFO("proc/meminfo", "/proc/meminfo", 0444),
    PROC_STAT("proc/stat", "/proc/stat", 0444),
    PROC_SWAPS("proc/swaps", "/proc/swaps", 0444),
    PROC_UPTIME("proc/uptime", "/proc/uptime", 0444),
    /** 0400 as the kernel has it: lxcfs serves it world-readable, which leaks host data through allow_other. */
    PROC_SLABINFO("proc/slabinfo", "/proc/slabinfo", 0400),
    PROC_PRESSURE_CPU("proc/pressure/cpu", "/proc/pressure/cpu", 0444),
    PROC_PRESSURE_IO("proc/pressure/io", "/proc/pressure/io", 0444),
    PROC_PRESSURE_MEMORY("proc/pressure/memory", "/proc/pressure/memory", 0444),
    SYS_CPU_ONLINE("sys/devices/system/cpu/online", "/sys/devices/system/cpu/online", 0444);

    private final String path;
    private final String hostPath;
    private final int mode;

    VirtualFile(String path, String hostPath, int mode) {
        this.path = path;
        this.hostPath = hostPath;
        this.mode = mode;
    }

    /** Path below the mountpoint, without a leading slash. */
    public String path() {
        return path;
    }

    /** The kernel file this one virtualises, relative to the proc/sys roots' parent ("/proc/meminfo"). */
    public String hostPath() {
        return hostPath;
    }

    /** Permission bits. */
    public int mode() {
        return mode;
    }
}
