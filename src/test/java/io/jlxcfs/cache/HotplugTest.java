package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The online-set watch on files standing in for sysfs, with a clock the test moves. */
class HotplugTest {

    static final long WINDOW = 10_000_000L;
    static final long GRACE = Hotplug.GRACE_NANOS;

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000_000L);

    private Hotplug watch(long window) throws Exception {
        Path cpus = dir.resolve("online"), nodes = dir.resolve("has_memory");
        if (!Files.exists(cpus)) Files.writeString(cpus, "0-1\n");
        if (!Files.exists(nodes)) Files.writeString(nodes, "0\n");
        return new Hotplug(List.of(cpus, nodes), window, clock::get);
    }

    @Test
    void aCallerCheckedAfterTheStartGraceIsVouchedForWhileNothingChanges() throws Exception {
        long start = clock.get();
        try (Hotplug h = watch(WINDOW)) {
            assertTrue(h.active());
            // checked right at the start: a hotplug just before it may still be moving tasks
            assertFalse(h.quietSince(start, start + 5 * GRACE));
            long checked = start + GRACE;
            for (long t = checked; t < checked + 10 * GRACE; t += GRACE / 3) {
                clock.set(t);
                assertTrue(h.quietSince(checked, t), "no hotplug: in place at " + (t - checked));
            }
        }
    }

    @Test
    void aChangeIsSeenWithinAWindowAndVouchesForNobodyCheckedBeforeItsGraceEnds() throws Exception {
        long start = clock.get();
        try (Hotplug h = watch(WINDOW)) {
            long checked = start + 2 * GRACE;
            clock.set(checked);
            assertTrue(h.quietSince(checked, checked));
            Files.writeString(dir.resolve("online"), "0\n"); // CPU 1 went offline
            // within the window nobody looks again
            clock.set(checked + WINDOW / 2);
            assertTrue(h.quietSince(checked, clock.get()));
            // the first caller past the window looks, and sees it
            long seen = checked + WINDOW;
            clock.set(seen);
            assertFalse(h.quietSince(checked, seen), "checked before the hotplug: check again");
            assertFalse(h.quietSince(seen + GRACE / 2, seen + GRACE / 2), "checked while tasks may still move");
            assertTrue(h.quietSince(seen + GRACE, seen + GRACE), "checked after the grace: in place");
        }
    }

    @Test
    void aMemoryNodeGoingOfflineCountsToo() throws Exception {
        long start = clock.get();
        try (Hotplug h = watch(WINDOW)) {
            long checked = start + GRACE;
            Files.writeString(dir.resolve("has_memory"), "0-1\n");
            clock.set(checked + WINDOW);
            assertFalse(h.quietSince(checked, clock.get()));
        }
    }

    @Test
    void aWindowOfZeroOrNoCpuFileVouchesForNothing() throws Exception {
        long start = clock.get();
        try (Hotplug h = watch(0)) {
            assertFalse(h.active());
            assertFalse(h.quietSince(start + 10 * GRACE, start + 10 * GRACE));
        }
        try (Hotplug h = new Hotplug(List.of(dir.resolve("absent")), WINDOW, clock::get)) {
            assertFalse(h.active());
            assertFalse(h.quietSince(start + 10 * GRACE, start + 10 * GRACE));
        }
    }

    @Test
    void afterCloseEveryLookIsAChange() throws Exception {
        long start = clock.get();
        Hotplug h = watch(WINDOW);
        h.close();
        long t = start + 10 * GRACE;
        clock.set(t);
        assertFalse(h.quietSince(start + GRACE, t));
    }

    @Test
    void theRealOnlineSetsAreWatchedHere() {
        try (Hotplug h = new Hotplug(Path.of("/sys"), WINDOW, System::nanoTime)) {
            assertTrue(h.active(), "/sys/devices/system/cpu/online is readable");
        }
    }
}
