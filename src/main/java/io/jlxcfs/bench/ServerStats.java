package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's CPU time and RSS, from procfs. CPU time is utime + stime of the whole process
 * (threads included, exited ones too) in clock ticks, which the kernel counts at USER_HZ = 100
 * on Linux, i.e. 10 ms; spread over thousands of reads that resolution is ample.
 */
public final class ServerStats {

    /** USER_HZ: fixed at 100 in the Linux ABI (sysconf(_SC_CLK_TCK)). */
    public static final long TICKS_PER_SECOND = 100;

    private ServerStats() {
    }

    /** One sample; {@code cpuTicks} is -1 when the process could not be read. */
    public record Sample(long cpuTicks, long rssKb) {
        public static final Sample NONE = new Sample(-1, -1);

        public boolean valid() {
            return cpuTicks >= 0;
        }
    }

    public static Sample sample(int pid) {
        if (pid <= 0) return Sample.NONE;
        try {
            Path dir = Path.of("/proc", Integer.toString(pid));
            return new Sample(cpuTicks(Files.readString(dir.resolve("stat"))),
                    rssKb(Files.readString(dir.resolve("status"))));
        } catch (IOException | RuntimeException e) {
            return Sample.NONE;
        }
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line; the comm field may hold spaces and parens. */
    static long cpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state), so field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** VmRSS in kB from /proc/PID/status, -1 if absent (kernel threads, zombies). */
    static long rssKb(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
        return -1;
    }

    /** Server CPU microseconds per read between two samples, NaN when unknown. */
    static double cpuUsPerRead(long ticks, long reads) {
        if (ticks < 0 || reads <= 0) return Double.NaN;
        return ticks * (1e6 / TICKS_PER_SECOND) / reads;
    }
}
