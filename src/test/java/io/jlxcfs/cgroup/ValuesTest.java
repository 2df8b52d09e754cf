package io.jlxcfs.cgroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void limits() {
        assertEquals(Values.UNLIMITED, Values.limit("max\n"));
        assertEquals(Values.UNLIMITED, Values.limit("-1"));
        assertEquals(Values.UNLIMITED, Values.limit("18446744073709551615"));
        assertEquals(268435456L, Values.limit("268435456\n"));
        assertNull(Values.limit(""));
        assertNull(Values.limit(null));
        assertNull(Values.limit("12abc"));
        assertNull(Values.limit("-"));
    }

    @Test
    void cpuLists() {
        assertArrayEquals(new int[] {0, 2, 3, 4, 7}, CpuList.parse("0,2-4,7\n"));
        assertArrayEquals(new int[0], CpuList.parse("\n"));
        assertNull(CpuList.parse("3-1"));
        assertNull(CpuList.parse("a"));
        assertNull(CpuList.parse("0-99999999"));
    }

    @Test
    void cpuMax() {
        assertEquals(0.5, CgroupReader.cpuMax("50000 100000\n"));
        assertEquals(0, CgroupReader.cpuMax("max 100000\n"));
        assertEquals(0, CgroupReader.cpuMax("garbage"));
    }
}
