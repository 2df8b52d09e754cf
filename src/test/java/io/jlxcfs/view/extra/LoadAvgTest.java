package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LoadAvgTest {

    @Test
    void oneStepFromZeroMatchesKernelArithmetic() {
        // 2 active: active = 2 << 11 = 4096; 1-min: (4096 * (2048-1884) + 2047) / 2048 = 328
        LoadAvg l = LoadAvg.ZERO.next(2);
        assertEquals(328, l.avg1());
        assertEquals(68, l.avg5());
        assertEquals(22, l.avg15());
    }

    @Test
    void convergesToTheActiveCountAndDecaysToZero() {
        LoadAvg l = LoadAvg.ZERO;
        for (int i = 0; i < 12 * 60; i++) l = l.next(3);     // one hour of 5 s samples
        assertEquals("3.00", LoadAvg.format(l.avg1()));
        assertTrue(l.avg15() > 29 * LoadAvg.FIXED_1 / 10, "15-min average after an hour is near 3 (1 - e^-4)");
        for (int i = 0; i < 12 * 60; i++) l = l.next(0);
        assertEquals("0.00", LoadAvg.format(l.avg1()));
        assertTrue(l.avg15() < LoadAvg.FIXED_1 / 10, "3 * e^-3.9 = 0.06 left of the 15-min average");
    }

    @Test
    void oneMinuteOfOneBusyTaskIsAbout063() {
        LoadAvg l = LoadAvg.ZERO;
        for (int i = 0; i < 12; i++) l = l.next(1);           // 1 - e^-1 = 0.632
        assertEquals("0.63", LoadAvg.format(l.avg1()));
    }

    @Test
    void formatRoundsAsTheKernel() {
        assertEquals("0.00", LoadAvg.format(0));
        assertEquals("1.00", LoadAvg.format(LoadAvg.FIXED_1));
        assertEquals("0.50", LoadAvg.format(LoadAvg.FIXED_1 / 2));
        assertEquals("12.25", LoadAvg.format(12 * LoadAvg.FIXED_1 + LoadAvg.FIXED_1 / 4));
        assertEquals("0.01", LoadAvg.format(11));              // 11+10=21 -> 2100/2048 = 1
    }

    @Test
    void renderLine() {
        assertEquals("0.16 0.03 0.01 2/8 3\n",
                Fixtures.str(LoadavgRenderer.render(LoadAvg.ZERO.next(2), new TaskCounts(2, 0, 8, 3))));
    }
}
