package io.jlxcfs.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class HostStatTest {

    @Test
    void cpuLinesAreParsedTheAggregateDroppedEverythingElseKeptInOrder() {
        HostStat s = HostStat.parse("""
                cpu  10 0 20 300 4 0 1 0 0 0
                cpu0 5 0 10 150 2 0 1 0 0 0 99
                cpu3\t5  0 10 150
                cpuX 1 2 3
                cpu7 1 two 3
                intr 1234 0 0 7

                ctxt 99
                procs_running 3
                procs_blocked 0""");
        assertArrayEquals(new int[] {0, 3}, s.cpuNumbers());
        assertArrayEquals(new long[] {5, 0, 10, 150, 2, 0, 1, 0, 0, 0}, s.cpus().get(0), "an 11th field is ignored");
        assertArrayEquals(new long[] {5, 0, 10, 150, 0, 0, 0, 0, 0, 0}, s.cpus().get(3), "missing trailing fields are 0");
        assertEquals(List.of("cpuX 1 2 3", "cpu7 1 two 3", "intr 1234 0 0 7", "ctxt 99", "procs_running 3", "procs_blocked 0"),
                s.other());
    }

    @Test
    void emptyAndGarbage() {
        assertEquals(0, HostStat.parse("").cpus().size());
        assertEquals(List.of("cpu-1 1"), HostStat.parse("cpu-1 1\n").other());
        assertEquals(List.of("cpu99999999999 1"), HostStat.parse("cpu99999999999 1\n").other());
        assertEquals(0, HostStat.parse("cpu\n\n\n").other().size());
    }
}
