package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DiskstatsTest {

    @Test
    void v2Ctr1FromIoStat() {
        assertEquals(Fixtures.golden("diskstats-v2-ctr-1.txt"), v2(Fixtures.CTR1));
    }

    @Test
    void v2Ctr2LeavesUntouchedDevicesOut() {
        assertEquals(Fixtures.golden("diskstats-v2-ctr-2.txt"), v2(Fixtures.CTR2));
    }

    @Test
    void v1ThrottleOnlyKernel() {
        try (ExtraViews v = new ExtraViews(Fixtures.path("v1-throttle/proc"), false)) {
            CgroupDirs d = new CgroupDirs(null, Fixtures.path("v1-throttle/blkio"), null, null, false);
            assertEquals(Fixtures.golden("diskstats-v1-throttle.txt"), Fixtures.str(v.diskstats(d)));
        }
    }

    @Test
    void v1CfqRecursiveFilesOn15ColumnKernel() {
        try (ExtraViews v = new ExtraViews(Fixtures.path("v1-cfq/proc"), false)) {
            CgroupDirs d = new CgroupDirs(null, Fixtures.path("v1-cfq/blkio"), null, null, false);
            assertEquals(Fixtures.golden("diskstats-v1-cfq.txt"), Fixtures.str(v.diskstats(d)));
        }
    }

    @Test
    void kernelColumnFormat() {
        List<HostDisk> host = HostDisk.parse("   8       0 sda 1 2 3 4 5 6 7 8 9 10 11\n 259       0 nvme0n1 1 2 3 4 5 6 7 8 9 10 11\n");
        assertEquals(11, host.get(0).columns());
        DiskCounters c = new DiskCounters(1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals("   8       0 sda 1 0 8 0 0 0 0 0 0 0 0\n 259       0 nvme0n1 1 0 8 0 0 0 0 0 0 0 0\n",
                Fixtures.str(DiskstatsRenderer.render(host, Map.of("8:0", c, "259:0", c))));
    }

    @Test
    void devicesUnknownToTheHostAreLeftOut() {
        List<HostDisk> host = HostDisk.parse("   8       0 sda 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
        Map<String, DiskCounters> m = DiskStatsReader.fromIoStat("9:9 rbytes=512 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
        assertEquals("", Fixtures.str(DiskstatsRenderer.render(host, m)));
    }

    @Test
    void ioStatWithExtraKeysAndNoDiscardColumns() {
        Map<String, DiskCounters> m = DiskStatsReader.fromIoStat(
                "8:0 rbytes=1024 wbytes=2048 rios=2 wios=3 cost.vrate=100.00 cost.usage=5\n");
        assertEquals(new DiskCounters(2, 0, 2, 0, 3, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), m.get("8:0"));
    }

    private static String v2(String ctr) {
        try (ExtraViews v = new ExtraViews(Fixtures.path("v2/proc"), false)) {
            return Fixtures.str(v.diskstats(CgroupDirs.v2(Fixtures.path(ctr))));
        }
    }
}
