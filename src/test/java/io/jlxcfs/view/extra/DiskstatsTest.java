package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void aSourceFoundIsTriedFirstButAnotherCgroupsOtherFilesStillServe() {
        // one ExtraViews first finds the throttle files, then meets a cgroup with the CFQ ones, then both again
        try (ExtraViews v = new ExtraViews(Fixtures.path("v1-throttle/proc"), false);
             ExtraViews cfqOnly = new ExtraViews(Fixtures.path("v1-throttle/proc"), false)) {
            CgroupDirs cfq = new CgroupDirs(null, Fixtures.path("v1-cfq/blkio"), null, null, false);
            CgroupDirs throttle = new CgroupDirs(null, Fixtures.path("v1-throttle/blkio"), null, null, false);
            String golden = Fixtures.golden("diskstats-v1-throttle.txt");
            assertEquals(golden, Fixtures.str(v.diskstats(throttle)));
            String c = Fixtures.str(v.diskstats(cfq));
            assertEquals(Fixtures.str(cfqOnly.diskstats(cfq)), c);
            assertTrue(!c.equals(golden) && !c.equals(Fixtures.text("v1-throttle/proc/diskstats")), c);
            assertEquals(golden, Fixtures.str(v.diskstats(throttle)));
            assertEquals(c, Fixtures.str(v.diskstats(cfq)));
        }
    }

    @Test
    void theHostDeviceListIsReadAgainOnlyAfterASecond(@TempDir Path dir) throws IOException {
        Path proc = Files.createDirectories(dir.resolve("proc")), blkio = Files.createDirectories(dir.resolve("blkio"));
        Files.writeString(blkio.resolve("blkio.throttle.io_serviced_recursive"), "8:0 Read 2\n8:16 Read 3\nTotal 5\n");
        Files.writeString(blkio.resolve("blkio.throttle.io_service_bytes_recursive"), "8:0 Read 1024\n8:16 Read 512\n");
        Files.writeString(proc.resolve("diskstats"), "   8       0 sda 0 0 0 0 0 0 0 0 0 0 0\n");
        AtomicLong now = new AtomicLong();
        try (ExtraViews v = new ExtraViews(proc, false)) {
            v.clock(now::get);
            CgroupDirs d = new CgroupDirs(null, blkio, null, null, false);
            assertEquals("   8       0 sda 2 0 2 0 0 0 0 0 0 0 0\n", Fixtures.str(v.diskstats(d)));
            Files.writeString(proc.resolve("diskstats"), "   8       0 sda 0 0 0 0 0 0 0 0 0 0 0\n   8      16 sdb 0 0 0 0 0 0 0 0 0 0 0\n");
            now.addAndGet(ExtraViews.DEVICES_MAX_AGE_NANOS - 1);
            assertEquals("   8       0 sda 2 0 2 0 0 0 0 0 0 0 0\n", Fixtures.str(v.diskstats(d)), "the counters are fresh, the list kept");
            now.addAndGet(1);
            assertEquals("   8       0 sda 2 0 2 0 0 0 0 0 0 0 0\n   8      16 sdb 3 0 1 0 0 0 0 0 0 0 0\n",
                    Fixtures.str(v.diskstats(d)), "a new disk shows within a second");
        }
    }

    @Test
    void rwstatTakesThreeFieldLinesOfKnownOperationsOnly() {
        Map<String, long[]> m = DiskStatsReader.rwstat("""
                8:0 Read 10
                8:0 Write 20
                8:0 Sync 99
                8:0 Async 99
                8:0 Discard 5
                8:0 Total 35
                8:0 Read 1 extra
                junk Read 7
                8:16 Write x
                8:16	Read   4\s\s
                Total 35
                """);
        assertArrayEquals(new long[] {10, 20, 5, 35}, m.get("8:0"));
        assertArrayEquals(new long[] {4, 0, 0, 0}, m.get("8:16"), "a bad number is 0, tabs and spaces separate");
        assertEquals(2, m.size());
        assertTrue(DiskStatsReader.rwstat("").isEmpty());
        assertTrue(DiskStatsReader.rwstat(null).isEmpty());
        assertTrue(DiskStatsReader.rwstat("\n\n:\n: : :\n: Read 1x\n").size() <= 1);
    }

    @Test
    void paddingIsPrintfs() {
        assertEquals("   8", DiskstatsRenderer.pad(new StringBuilder(), 8, 4).toString());
        assertEquals("12345", DiskstatsRenderer.pad(new StringBuilder(), 12345, 4).toString());
        assertEquals("      0", DiskstatsRenderer.pad(new StringBuilder(), 0, 7).toString());
    }

    private static String v2(String ctr) {
        try (ExtraViews v = new ExtraViews(Fixtures.path("v2/proc"), false)) {
            return Fixtures.str(v.diskstats(CgroupDirs.v2(Fixtures.path(ctr))));
        }
    }
}
