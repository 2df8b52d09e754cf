package io.jlxcfs.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The index over the kernel's text: keys, numbers and raw lines as the kernel wrote them. */
class HostMeminfoTest {

    @Test
    void indexesKeysNumbersAndRawLines() {
        HostMeminfo h = HostMeminfo.parse("MemTotal:       24684092 kB\n\nHugePages_Total:       0\nOdd: 12x kB\nNoColon 5\nBig: 99999999999999999999 kB");
        assertEquals(5, h.size(), "empty lines are skipped; the last line needs no newline");
        assertEquals(24684092, h.kb("MemTotal", -1));
        assertEquals(0, h.kb("HugePages_Total", -1), "a count without a unit");
        assertEquals(-7, h.kb("Odd", -7), "not a number: the default");
        assertEquals(-7, h.kb("Big", -7), "too long for a long: the default");
        assertEquals(-7, h.kb("Mem", -7), "keys match whole, not by prefix");
        assertTrue(h.keyIs(3, "NoColon 5"), "a line without a colon is all key");
        assertFalse(h.keyIs(0, "MemTotal:"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < h.size(); i++) h.appendRaw(i, sb);
        assertEquals("MemTotal:       24684092 kB\nHugePages_Total:       0\nOdd: 12x kB\nNoColon 5\nBig: 99999999999999999999 kB\n", sb.toString());
        assertEquals(new HostMeminfo.Line("HugePages_Total", 0, "HugePages_Total:       0"), h.lines().get(1));
        assertEquals(List.of(), HostMeminfo.parse("").lines());
    }

    @Test
    void textsWithTheSameKeysShareALayoutAndKeysAreFoundThroughIt() {
        HostMeminfo a = HostMeminfo.parse("MemTotal: 1 kB\nSwapTotal: 2 kB\nSwapTotal: 3 kB\n");
        HostMeminfo b = HostMeminfo.parse("MemTotal: 10 kB\nSwapTotal: x kB\nSwapTotal: 30 kB\n");
        assertTrue(a.layout() == b.layout(), "same keys, same order: one layout");
        assertEquals(2, a.kb("SwapTotal", -1));
        assertEquals(30, b.kb("SwapTotal", -1), "the first line with a number, as without a layout");
        HostMeminfo c = HostMeminfo.parse("SwapTotal: 4 kB\nMemTotal: 5 kB\n");
        assertFalse(c.layout() == a.layout());
        assertEquals(4, c.kb("SwapTotal", -1));
        assertEquals(5, c.kb("MemTotal", -1));
        assertEquals(-1, c.kb("Cached", -1));
    }
}
