package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class ExtraViewsTest {

    private final Path v2proc = Fixtures.path("v2/proc");

    @Test
    void pressureV2IsTheCgroupFile() {
        try (ExtraViews v = new ExtraViews(v2proc, false)) {
            CgroupDirs d = CgroupDirs.v2(Fixtures.path(Fixtures.CTR1));
            for (String w : new String[]{"cpu", "io", "memory"})
                assertEquals(Fixtures.text(Fixtures.CTR1 + "/" + w + ".pressure"), Fixtures.str(v.pressure(w, d)));
        }
    }

    @Test
    void pressureHybridUsesTheUnifiedDirOnly() {
        try (ExtraViews v = new ExtraViews(v2proc, false)) {
            CgroupDirs d = new CgroupDirs(Path.of("/nonexistent/cpu"), null, null, Fixtures.path(Fixtures.CTR2), false);
            assertEquals(Fixtures.text(Fixtures.CTR2 + "/io.pressure"), Fixtures.str(v.pressure("io", d)));
        }
    }

    @Test
    void pressureFallsBackToTheHostFile() {
        try (ExtraViews v = new ExtraViews(v2proc, false)) {
            CgroupDirs none = new CgroupDirs(null, null, null, null, false);
            assertEquals(Fixtures.text("v2/proc/pressure/cpu"), Fixtures.str(v.pressure("cpu", none)));
            CgroupDirs noFile = CgroupDirs.v2(Fixtures.path("v2/sys/fs/cgroup/nope"));
            assertEquals(Fixtures.text("v2/proc/pressure/memory"), Fixtures.str(v.pressure("memory", noFile)));
            assertEquals(Fixtures.text("v2/proc/pressure/io"), Fixtures.str(v.pressure("io", null)));
            assertEquals(0, v.pressure("../loadavg", none).length);
        }
    }

    @Test
    void slabinfoV1FromTheMemcg() {
        try (ExtraViews v = new ExtraViews(Fixtures.path("v1-slab/proc"), false)) {
            CgroupDirs d = new CgroupDirs(null, null, Fixtures.path("v1-slab/memory"), null, false);
            assertEquals(Fixtures.golden("slabinfo-v1.txt"), Fixtures.str(v.slabinfo(d)));
        }
    }

    @Test
    void slabinfoEmptyMemcgFile_v2_andNullFallBackToHost() {
        String host = Fixtures.text("v1-slab/proc/slabinfo");
        try (ExtraViews v = new ExtraViews(Fixtures.path("v1-slab/proc"), false)) {
            assertEquals(host, Fixtures.str(v.slabinfo(new CgroupDirs(null, null, Fixtures.path("v1-slab/memory-empty"), null, false))));
            assertEquals(host, Fixtures.str(v.slabinfo(CgroupDirs.v2(Fixtures.path("v1-slab/memory")))));
            assertEquals(host, Fixtures.str(v.slabinfo(null)));
        }
    }

    @Test
    void loadavgWithoutDashLIsTheHostFile() {
        try (ExtraViews v = new ExtraViews(v2proc, false)) {
            assertEquals(Fixtures.text("v2/proc/loadavg"), Fixtures.str(v.loadavg(CgroupDirs.v2(Fixtures.path(Fixtures.CTR1)))));
            assertEquals(0, v.sampledCgroups());
        }
    }

    @Test
    void loadavgWithDashLComesFromTheSamplerAndNeverBlocks() throws InterruptedException {
        try (ExtraViews v = new ExtraViews(v2proc, true, Duration.ofHours(1), Duration.ofHours(1))) {
            CgroupDirs d = CgroupDirs.v2(Fixtures.path(Fixtures.CTR1));
            String first = Fixtures.str(v.loadavg(d));
            // either not yet counted, or counted by the sampler's immediate first count
            if (!first.equals("0.00 0.00 0.00 0/0 0\n")) assertEquals(Fixtures.golden("loadavg-v2-ctr-1-first.txt"), first);
            for (int i = 0; i < 100 && !Fixtures.str(v.loadavg(d)).contains("2/8"); i++) Thread.sleep(20);
            assertEquals(Fixtures.golden("loadavg-v2-ctr-1-first.txt"), Fixtures.str(v.loadavg(d)));
            assertEquals(1, v.sampledCgroups());
            // no cpu dir: host file
            assertEquals(Fixtures.text("v2/proc/loadavg"), Fixtures.str(v.loadavg(new CgroupDirs(null, null, null, null, false))));
        }
    }

    @Test
    void diskstatsWithoutAnySourceIsTheHostFile() {
        try (ExtraViews v = new ExtraViews(v2proc, false)) {
            String host = Fixtures.text("v2/proc/diskstats");
            assertEquals(host, Fixtures.str(v.diskstats(null)));
            assertEquals(host, Fixtures.str(v.diskstats(new CgroupDirs(null, Fixtures.path("v1-cfq/nope"), null, null, false))));
            assertEquals(host, Fixtures.str(v.diskstats(CgroupDirs.v2(Fixtures.path("v2/sys/fs/cgroup/nope")))));
        }
    }

    @Test
    void missingHostFileGivesEmptyNotAnException() {
        try (ExtraViews v = new ExtraViews(Path.of("/nonexistent"), false)) {
            assertArrayEquals(new byte[0], v.diskstats(null));
            assertArrayEquals(new byte[0], v.slabinfo(null));
        }
    }
}
