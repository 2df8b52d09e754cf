package io.jlxcfs.view.extra;

/**
 * Load averages in the kernel's fixed-point form ({@code kernel/sched/loadavg.c}): 11 fractional bits,
 * updated by an exponential moving average once per sampling interval.
 *
 * @param avg1  1-minute average, fixed point
 * @param avg5  5-minute average, fixed point
 * @param avg15 15-minute average, fixed point
 */
public record LoadAvg(long avg1, long avg5, long avg15) {

    public static final int FSHIFT = 11;
    public static final long FIXED_1 = 1L << FSHIFT;
    public static final long EXP_1 = 1884, EXP_5 = 2014, EXP_15 = 2037;

    public static final LoadAvg ZERO = new LoadAvg(0, 0, 0);

    /** The averages after one more sample with {@code active} runnable + uninterruptible tasks. */
    public LoadAvg next(int active) {
        long a = active > 0 ? active * FIXED_1 : 0;
        return new LoadAvg(calc(avg1, EXP_1, a), calc(avg5, EXP_5, a), calc(avg15, EXP_15, a));
    }

    /** One EMA step as the kernel's {@code calc_load}: rounds up while the load is rising. */
    static long calc(long load, long exp, long active) {
        long n = load * exp + active * (FIXED_1 - exp);
        if (active >= load) n += FIXED_1 - 1;
        return n / FIXED_1;
    }

    /** {@code "a.bb"} as {@code /proc/loadavg} prints it (the kernel adds FIXED_1/200 to round). */
    static String format(long fixed) {
        long x = fixed + FIXED_1 / 200;
        long whole = x >> FSHIFT;
        long frac = ((x & (FIXED_1 - 1)) * 100) >> FSHIFT;
        return whole + "." + (frac < 10 ? "0" : "") + frac;
    }
}
