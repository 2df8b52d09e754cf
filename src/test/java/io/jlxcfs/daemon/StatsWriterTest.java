package io.jlxcfs.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The stats file: rewritten when a counter changes, not every second while nothing does. */
class StatsWriterTest {

    record Counters(long hits, long misses) {
    }

    static Map<String, Object> stats(long hits, long heapUsed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cache", new Counters(hits, 1));
        m.put("causes", Map.of("caller-gone", 2L));
        m.put(StatsWriter.HEAP, Map.of("used", heapUsed));
        return m;
    }

    @Test
    void aCounterChangeCountsAndTheHeapDoesNot() {
        assertFalse(StatsWriter.changed(stats(5, 100), stats(5, 999)));
        assertTrue(StatsWriter.changed(stats(5, 100), stats(6, 100)));
        Map<String, Object> more = stats(5, 100);
        more.put("causes", Map.of("caller-gone", 2L, "no-ns-init", 1L));
        assertTrue(StatsWriter.changed(stats(5, 100), more));
    }

    @Test
    void anIdleDaemonDoesNotRewriteItsFileAndABusyOneDoes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jlxcfs.pid.stats.json");
        AtomicLong hits = new AtomicLong(), heap = new AtomicLong();
        Thread t = StatsWriter.start(file, () -> stats(hits.get(), heap.incrementAndGet()));
        try {
            long first = time(file, -1);
            Thread.sleep(2500); // idle: the heap moved, no counter did
            assertEquals(first, time(file, first), "rewritten while idle");
            hits.incrementAndGet();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (time(file, first) == first && System.nanoTime() < deadline) Thread.sleep(50);
            JsonNode doc = new ObjectMapper().readTree(file.toFile());
            assertEquals(1, doc.get("cache").get("hits").asLong(), doc.toString());
        } finally {
            t.interrupt();
            t.join();
        }
    }

    /** The file's "time", waiting for the first write; {@code otherwise} while it is being replaced. */
    private static long time(Path file, long otherwise) throws Exception {
        for (int i = 0; i < 100 && !Files.exists(file); i++) Thread.sleep(20);
        try {
            return new ObjectMapper().readTree(file.toFile()).get("time").asLong();
        } catch (java.io.IOException e) {
            return otherwise;
        }
    }
}
