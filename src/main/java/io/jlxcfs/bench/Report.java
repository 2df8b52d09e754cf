package io.jlxcfs.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The bench's output: a table (and a ratio table) for people, or one JSON document. */
public final class Report {

    /** The JSON document: what ran, where, and the figures. */
    public record Document(String tool, String date, Machine machine, Settings settings,
                           List<Summary.Row> rows, List<Summary.Ratio> ratios) {
    }

    /** Where it ran. */
    public record Machine(String kernel, int cpus, String cpuModel, String java, String cgroup) {
    }

    /** How it ran (the options after defaults). */
    public record Settings(List<String> roots, List<String> files, List<Integer> threads, double durationSeconds,
                           double intervalMs, int warmup, int rounds, long memoryBytes, int fleet, String reader, String baseline,
                           List<Integer> serverPids) {
    }

    private Report() {
    }

    public static String json(Document doc) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void table(PrintWriter out, List<Summary.Row> rows) {
        int rw = width(rows.stream().map(Summary.Row::root).toList(), 4);
        int fw = width(rows.stream().map(Summary.Row::file).toList(), 4);
        out.printf(Locale.ROOT, "%-" + rw + "s  %-" + fw + "s %4s %10s %8s %8s %8s %8s %9s %7s %10s %8s%n",
                "ROOT", "FILE", "THR", "READS/S", "P50us", "P90us", "P99us", "P99.9us", "MAXus", "B/READ", "SRVus/READ", "SRV_RSS");
        for (Summary.Row r : rows) {
            out.printf(Locale.ROOT, "%-" + rw + "s  %-" + fw + "s %4d %10.0f %8.2f %8.2f %8.2f %8.2f %9.1f %7.0f %10s %8s%n",
                    r.root(), r.file(), r.threads(), r.readsPerSec(), r.p50Us(), r.p90Us(), r.p99Us(), r.p999Us(),
                    r.maxUs(), r.bytesPerRead(), opt(r.serverCpuUsPerRead(), "%.2f"),
                    r.serverRssKb() == null ? "-" : String.format(Locale.ROOT, "%.1fM", r.serverRssKb() / 1024.0));
        }
        out.flush();
    }

    public static void ratioTable(PrintWriter out, List<Summary.Ratio> ratios) {
        if (ratios.isEmpty()) return;
        int rw = width(ratios.stream().map(Summary.Ratio::root).toList(), 4);
        int fw = width(ratios.stream().map(Summary.Ratio::file).toList(), 4);
        out.printf(Locale.ROOT, "%nratios against %s (reads/s above 1 = faster; latency and CPU above 1 = slower/costlier)%n",
                ratios.getFirst().baseline());
        out.printf(Locale.ROOT, "%-" + rw + "s  %-" + fw + "s %4s %8s %8s %8s %8s %8s%n",
                "ROOT", "FILE", "THR", "READS/S", "P50", "P99", "P99.9", "SRV_CPU");
        for (Summary.Ratio r : ratios) {
            out.printf(Locale.ROOT, "%-" + rw + "s  %-" + fw + "s %4d %8s %8s %8s %8s %8s%n", r.root(), r.file(), r.threads(),
                    opt(r.readsPerSec(), "%.3f"), opt(r.p50(), "%.3f"), opt(r.p99(), "%.3f"), opt(r.p999(), "%.3f"),
                    opt(r.serverCpuPerRead(), "%.3f"));
        }
        out.flush();
    }

    private static String opt(Double d, String fmt) {
        return d == null ? "-" : String.format(Locale.ROOT, fmt, d);
    }

    private static int width(List<String> xs, int min) {
        return Math.max(min, xs.stream().mapToInt(String::length).max().orElse(0));
    }
}
