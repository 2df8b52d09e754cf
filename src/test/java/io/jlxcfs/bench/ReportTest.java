package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ReportTest {

    private static final Summary.Row ROW = new Summary.Row("/mnt", "proc/meminfo", 2, false, 3, 1000, 5000.5, 5001,
            10, 20, 30, 40, 50, 1503, 12.5, 8192L);
    private static final Summary.Row KERNEL = new Summary.Row("/", "proc/meminfo", 2, false, 3, 1000, 9000, 9000,
            5, 6, 7, 8, 9, 1503, null, null);

    private static Report.Document doc() {
        return new Report.Document("jlxcfs bench", "2025-01-01T00:00:00Z", new Report.Machine("6.1", 2, "cpu", "java 25", "v1"),
                new Report.Settings(List.of("/", "/mnt"), List.of("proc/meminfo"), List.of(2), 1, 0, 200, 3, 50L << 20, 0,
                        "native", "/", List.of(0, 42)),
                List.of(KERNEL, ROW), Summary.ratios(List.of(KERNEL, ROW), "/"));
    }

    @Test
    void jsonShape() throws Exception {
        JsonNode n = new ObjectMapper().readTree(Report.json(doc()));
        assertEquals(Set.of("tool", "date", "machine", "settings", "rows", "ratios"), names(n));
        JsonNode row = n.get("rows").get(1);
        assertEquals(Set.of("root", "file", "threads", "fleet", "rounds", "reads", "readsPerSec", "readsPerSecAll",
                "p50Us", "p90Us", "p99Us", "p999Us", "maxUs", "bytesPerRead", "serverCpuUsPerRead", "serverRssKb"), names(row));
        assertEquals("/mnt", row.get("root").asText());
        assertEquals("proc/meminfo", row.get("file").asText());
        assertEquals(2, row.get("threads").asInt());
        assertEquals(12.5, row.get("serverCpuUsPerRead").asDouble());
        assertTrue(n.get("rows").get(0).get("serverCpuUsPerRead").isNull());
        JsonNode ratio = n.get("ratios").get(0);
        assertEquals("/", ratio.get("baseline").asText());
        assertEquals(5000.5 / 9000, ratio.get("readsPerSec").asDouble(), 1e-12);
        assertEquals(42, n.get("settings").get("serverPids").get(1).asInt());
        assertEquals("v1", n.get("machine").get("cgroup").asText());
    }

    @Test
    void tables() {
        StringWriter s = new StringWriter();
        PrintWriter out = new PrintWriter(s);
        Report.table(out, List.of(KERNEL, ROW));
        Report.ratioTable(out, doc().ratios());
        String[] lines = s.toString().split("\n");
        assertTrue(lines[0].startsWith("ROOT"));
        assertTrue(lines[2].startsWith("/mnt  proc/meminfo    2       5001"), lines[2]);
        assertTrue(lines[2].contains("12.50") && lines[2].endsWith("8.0M"), lines[2]);
        assertTrue(lines[1].endsWith("-        -"), lines[1]);
        assertTrue(s.toString().contains("ratios against /"));
        assertTrue(lines[lines.length - 1].contains("0.556"), lines[lines.length - 1]);
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }
}
