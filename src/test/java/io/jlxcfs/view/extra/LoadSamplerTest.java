package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadSamplerTest {

    private final AtomicLong now = new AtomicLong();
    private final LoadSampler sampler = new LoadSampler(Fixtures.path("v2/proc"), Duration.ofSeconds(60), now::get, false);
    private final Path ctr1 = Fixtures.path(Fixtures.CTR1);

    @Test
    void firstReadRegistersAndReturnsZeroWithoutWaiting() {
        assertSame(LoadSampler.Snapshot.ZERO, sampler.read(ctr1));
        assertEquals(1, sampler.size());
    }

    @Test
    void firstCountPublishesCountsButNoAverageStep() {
        sampler.read(ctr1);
        sampler.countNew();
        assertEquals(Fixtures.golden("loadavg-v2-ctr-1-first.txt"), render(sampler.read(ctr1)));
    }

    @Test
    void eachSweepIsOneKernelEmaStep() {
        sampler.read(ctr1);
        sampler.countNew();
        sampler.sweep();
        assertEquals(Fixtures.golden("loadavg-v2-ctr-1-one-tick.txt"), render(sampler.read(ctr1)));
        sampler.sweep();
        assertEquals(LoadAvg.ZERO.next(2).next(2), sampler.read(ctr1).load());
    }

    @Test
    void unreadCgroupsAreDropped() {
        sampler.read(ctr1);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        sampler.sweep();
        assertEquals(0, sampler.size());
    }

    @Test
    void vanishedCgroupsAreDropped(@TempDir Path tmp) throws IOException {
        Path cg = Files.createDirectory(tmp.resolve("cg"));
        Files.writeString(cg.resolve("cgroup.threads"), "147\n");
        sampler.read(cg);
        sampler.sweep();
        assertEquals(1, sampler.read(cg).tasks().running());
        Files.delete(cg.resolve("cgroup.threads"));
        Files.delete(cg);
        sampler.sweep();
        assertEquals(0, sampler.size());
    }

    private static String render(LoadSampler.Snapshot s) {
        return Fixtures.str(LoadavgRenderer.render(s.load(), s.tasks()));
    }
}
