package io.jlxcfs.run;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The resource limits of one {@code jlxcfs run}, already resolved to the numbers the cgroup files
 * take. Empty means "leave the kernel default" (unlimited).
 *
 * @param memoryBytes    memory limit
 * @param memSwapBytes   memory + swap limit (docker's {@code --memory-swap}); -1 = unlimited swap
 * @param cfsQuotaMicros CFS quota per {@link #CFS_PERIOD_US}
 * @param cpuset         cpu list, e.g. {@code 0} or {@code 0-1}
 * @param pidsMax        pids limit
 */
public record RunLimits(OptionalLong memoryBytes, OptionalLong memSwapBytes, OptionalLong cfsQuotaMicros,
        Optional<String> cpuset, OptionalLong pidsMax) {

    /** The CFS period jlxcfs run uses (the kernel default). */
    public static final long CFS_PERIOD_US = 100_000;

    public static RunLimits none() {
        return new RunLimits(OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
                OptionalLong.empty());
    }

    /**
     * Resolves the command-line strings (any may be null) with docker's rules: {@code --memory-swap}
     * is memory + swap, needs {@code --memory}, -1 is unlimited swap, and when only {@code --memory} is
     * given the container may use as much swap as memory (mem+swap = 2 x memory).
     */
    public static RunLimits of(String memory, String memorySwap, String cpus, String cpuset, String pids) {
        OptionalLong mem = memory == null ? OptionalLong.empty() : OptionalLong.of(parseSize(memory));
        OptionalLong memsw = memSwap(mem, memorySwap);
        OptionalLong quota = cpus == null ? OptionalLong.empty() : OptionalLong.of(cfsQuota(cpus));
        Optional<String> set = Optional.ofNullable(cpuset).map(RunLimits::checkCpuList);
        OptionalLong pidsMax = pids == null ? OptionalLong.empty() : OptionalLong.of(positive("--pids-limit", Long.parseLong(pids)));
        return new RunLimits(mem, memsw, quota, set, pidsMax);
    }

    static OptionalLong memSwap(OptionalLong mem, String memorySwap) {
        if (memorySwap == null) {
            return mem.isPresent() ? OptionalLong.of(mem.getAsLong() * 2) : OptionalLong.empty();
        }
        if (mem.isEmpty()) {
            throw new IllegalArgumentException("--memory-swap needs --memory (it is the total of memory and swap)");
        }
        if (memorySwap.strip().equals("-1")) return OptionalLong.of(-1);
        long total = parseSize(memorySwap);
        if (total < mem.getAsLong()) {
            throw new IllegalArgumentException("--memory-swap (" + memorySwap + ") must be at least --memory (it is memory + swap)");
        }
        return OptionalLong.of(total);
    }

    /** {@code 1.5} CPUs -> 150000 us per 100000 us period. */
    static long cfsQuota(String cpus) {
        double n = Double.parseDouble(cpus.strip());
        if (!(n > 0) || Double.isInfinite(n)) {
            throw new IllegalArgumentException("--cpus must be a positive number, got " + cpus);
        }
        return Math.max(1000, Math.round(n * CFS_PERIOD_US));
    }

    /** Docker-style sizes: a number with an optional b/k/m/g/t suffix (binary units, case-insensitive). */
    public static long parseSize(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) t = t.substring(0, t.length() - 1);
        int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            case 'b' -> 0;
            default -> -1;
        };
        String digits = shift < 0 ? t : t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(digits.strip());
            return positive("size", v) << Math.max(shift, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + s + "' (use e.g. 256M, 1g, 65536)");
        }
    }

    private static long positive(String what, long v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
        return v;
    }

    private static String checkCpuList(String s) {
        String t = s.strip();
        if (!t.matches("\\d+(-\\d+)?(,\\d+(-\\d+)?)*")) {
            throw new IllegalArgumentException("--cpuset must be a cpu list such as 0, 0-1 or 0,2, got " + s);
        }
        return t;
    }
}
