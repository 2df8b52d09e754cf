package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SummaryTest {

    /** 1..1000 microseconds, one sample each. */
    private static Histogram uniform() {
        Histogram h = new Histogram(StepRunner.HIGHEST_NANOS, 3);
        for (int us = 1; us <= 1000; us++) h.recordValue(us * 1000L);
        return h;
    }

    private static StepRunner.Result result(long reads, long wallNanos, long ticks, long rss) {
        return new StepRunner.Result(uniform(), reads, reads * 100, wallNanos, 1_000_000, ticks, rss);
    }

    @Test
    void percentilesInMicrosecondsWithinHdrPrecision() {
        Histogram h = uniform();
        assertEquals(500, Summary.us(h, 50), 0.5);
        assertEquals(900, Summary.us(h, 90), 0.9);
        assertEquals(990, Summary.us(h, 99), 1);
        assertEquals(999, Summary.us(h, 99.9), 1);
        assertEquals(0, Summary.us(new Histogram(3), 50));
    }

    @Test
    void rateMedianRatio() {
        assertEquals(2000, Summary.rate(1000, 500_000_000));
        assertEquals(0, Summary.rate(1000, 0));
        assertEquals(2, Summary.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Summary.median(new double[] {4, 1, 3, 2}));
        assertEquals(0.5, Summary.ratio(1, 2));
        assertNull(Summary.ratio(1, 0));
        assertNull(Summary.ratio(Double.NaN, 1));
    }

    @Test
    void serverCpuPerRead() {
        assertEquals(10.0, ServerStats.cpuUsPerRead(1, 1000), 1e-9); // one 10 ms tick over 1000 reads
        assertEquals(Double.NaN, ServerStats.cpuUsPerRead(-1, 1000));
    }

    @Test
    void parsesProcStatAndStatus() {
        String stat = "1234 (a (weird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 17 5 0 0 20 0 4 0 42 1000 200";
        assertEquals(22, ServerStats.cpuTicks(stat));
        assertEquals(2048, ServerStats.rssKb("Name:\tx\nVmRSS:\t    2048 kB\nThreads:\t4\n"));
        assertEquals(-1, ServerStats.rssKb("Name:\tkthreadd\n"));
    }

    @Test
    void rowsMergeRoundsAndFollowConfigThenRootOrder() {
        List<String> roots = List.of("/", "/mnt");
        List<Schedule.Step> steps = Schedule.of(2, Schedule.configs(List.of("proc/meminfo"), List.of(1, 2)), 2);
        List<Summary.Measured> ms = new ArrayList<>();
        long[] reads = {1000, 2000, 3000, 4000, 1000, 2000, 3000, 4000};
        for (int i = 0; i < steps.size(); i++) {
            Schedule.Step s = steps.get(i);
            ms.add(new Summary.Measured(s, result(reads[i] * (s.root() + 1), 1_000_000_000L, s.root() == 1 ? 5 : -1, s.root() == 1 ? 4096 : -1)));
        }
        List<Summary.Row> rows = Summary.rows(roots, ms, false);
        assertEquals(4, rows.size());
        assertEquals(List.of("/", "/mnt", "/", "/mnt"), rows.stream().map(Summary.Row::root).toList());
        assertEquals(List.of(1, 1, 2, 2), rows.stream().map(Summary.Row::threads).toList());
        Summary.Row mnt1 = rows.get(1);
        assertEquals(2, mnt1.rounds());
        assertNull(rows.getFirst().serverCpuUsPerRead());
        assertEquals(100.0, mnt1.bytesPerRead());
        assertEquals(1000.0, mnt1.maxUs());
        assertEquals(4096L, mnt1.serverRssKb());
        // ten ticks (100 ms) over all of /mnt's reads at one thread
        assertEquals(10 * 10_000.0 / mnt1.reads(), mnt1.serverCpuUsPerRead(), 1e-9);
        assertEquals(mnt1.reads() / 2.0, mnt1.readsPerSecAll(), 1e-6);
    }

    @Test
    void ratiosAgainstTheBaseline() {
        Summary.Row base = new Summary.Row("/a", "f", 1, false, 1, 100, 1000, 1000, 10, 20, 30, 40, 50, 100, 2.0, 10L);
        Summary.Row other = new Summary.Row("/b", "f", 1, false, 1, 100, 500, 500, 20, 40, 90, 80, 50, 100, null, null);
        List<Summary.Ratio> r = Summary.ratios(List.of(base, other), "/a");
        assertEquals(1, r.size());
        assertEquals(0.5, r.getFirst().readsPerSec());
        assertEquals(2.0, r.getFirst().p50());
        assertEquals(3.0, r.getFirst().p99());
        assertEquals(2.0, r.getFirst().p999());
        assertNull(r.getFirst().serverCpuPerRead());
    }
}
