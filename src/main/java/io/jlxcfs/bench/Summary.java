package io.jlxcfs.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * Turns the steps' results into rows (one per root, file, thread count) and ratios against a
 * baseline root. Pure: no I/O, no clock.
 */
public final class Summary {

    private Summary() {
    }

    /**
     * One configuration on one root, all rounds merged. Latencies in microseconds; reads/s is the
     * median of the rounds' rates (robust to one disturbed round), {@code readsPerSecAll} the total
     * over all rounds; server figures are null without a server pid.
     */
    public record Row(String root, String file, int threads, boolean fleet, int rounds, long reads,
                      double readsPerSec, double readsPerSecAll,
                      double p50Us, double p90Us, double p99Us, double p999Us, double maxUs,
                      double bytesPerRead, Double serverCpuUsPerRead, Long serverRssKb) {
    }

    /** {@code root} over {@code baseline} for one configuration: above 1 means root reads faster
     *  (readsPerSec) or takes longer / more CPU (latencies, CPU). Null where either side is unknown. */
    public record Ratio(String root, String baseline, String file, int threads,
                        Double readsPerSec, Double p50, Double p99, Double p999, Double serverCpuPerRead) {
    }

    /** What one step contributes: its position and result. */
    record Measured(Schedule.Step step, StepRunner.Result result) {
    }

    /** Merges the rounds of each (root, config), rows ordered by config, then root as given. */
    static List<Row> rows(List<String> roots, List<Measured> measured, boolean fleet) {
        Map<String, List<Measured>> groups = new LinkedHashMap<>();
        for (Measured m : measured) {
            groups.computeIfAbsent(m.step().config() + "@" + m.step().root(), k -> new ArrayList<>()).add(m);
        }
        List<Schedule.Config> configs = measured.stream().map(m -> m.step().config()).distinct().toList();
        List<Row> rows = new ArrayList<>();
        for (List<Measured> g : groups.values()) rows.add(row(roots.get(g.getFirst().step().root()), g, fleet));
        rows.sort((a, b) -> {
            int c = Integer.compare(configs.indexOf(new Schedule.Config(a.file(), a.threads())),
                    configs.indexOf(new Schedule.Config(b.file(), b.threads())));
            return c != 0 ? c : Integer.compare(roots.indexOf(a.root()), roots.indexOf(b.root()));
        });
        return rows;
    }

    static Row row(String root, List<Measured> rounds, boolean fleet) {
        Histogram h = new Histogram(StepRunner.HIGHEST_NANOS, 3);
        long reads = 0, bytes = 0, wall = 0, max = 0, ticks = 0, rss = -1;
        boolean cpuKnown = true;
        double[] rates = new double[rounds.size()];
        for (int i = 0; i < rounds.size(); i++) {
            StepRunner.Result r = rounds.get(i).result();
            h.add(r.histogram());
            reads += r.reads();
            bytes += r.bytes();
            wall += r.wallNanos();
            max = Math.max(max, r.maxNanos());
            rates[i] = rate(r.reads(), r.wallNanos());
            cpuKnown &= r.serverCpuTicks() >= 0;
            ticks += Math.max(0, r.serverCpuTicks());
            rss = Math.max(rss, r.serverRssKb());
        }
        Schedule.Config c = rounds.getFirst().step().config();
        return new Row(root, c.file(), c.threads(), fleet, rounds.size(), reads, median(rates), rate(reads, wall),
                us(h, 50), us(h, 90), us(h, 99), us(h, 99.9), max / 1000.0,
                reads == 0 ? 0 : (double) bytes / reads,
                cpuKnown ? nanToNull(ServerStats.cpuUsPerRead(ticks, reads)) : null, rss >= 0 ? rss : null);
    }

    /** Reads per second. */
    static double rate(long reads, long wallNanos) {
        return wallNanos <= 0 ? 0 : reads * 1e9 / wallNanos;
    }

    /** Percentile {@code p} of a nanosecond histogram, in microseconds (0 when empty). */
    static double us(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
    }

    static double median(double[] xs) {
        if (xs.length == 0) return 0;
        double[] s = xs.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** Every non-baseline row over the baseline row of the same configuration. */
    public static List<Ratio> ratios(List<Row> rows, String baseline) {
        List<Ratio> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.root().equals(baseline)) continue;
            for (Row b : rows) {
                if (b.root().equals(baseline) && b.file().equals(r.file()) && b.threads() == r.threads()) {
                    out.add(new Ratio(r.root(), baseline, r.file(), r.threads(), ratio(r.readsPerSec(), b.readsPerSec()),
                            ratio(r.p50Us(), b.p50Us()), ratio(r.p99Us(), b.p99Us()), ratio(r.p999Us(), b.p999Us()),
                            r.serverCpuUsPerRead() == null || b.serverCpuUsPerRead() == null ? null
                                    : ratio(r.serverCpuUsPerRead(), b.serverCpuUsPerRead())));
                }
            }
        }
        return out;
    }

    /** a / b, null when b is 0 or either is not a number. */
    static Double ratio(double a, double b) {
        if (b == 0 || Double.isNaN(a) || Double.isNaN(b)) return null;
        return a / b;
    }

    private static Double nanToNull(double d) {
        return Double.isNaN(d) ? null : d;
    }
}
