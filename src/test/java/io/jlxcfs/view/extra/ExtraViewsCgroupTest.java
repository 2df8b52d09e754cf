package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The views against real cgroups on this host (v1 hybrid with a cgroup2 mount for PSI). */
@Tag("cgroup")
class ExtraViewsCgroupTest {

    private static final Path PROC = Path.of("/proc");

    @Test
    void directReadsInABlkioCgroupShowInItsDiskstats(@TempDir Path tmp) throws Exception {
        assumeTrue(TestCgroups.available("blkio"), "needs a writable v1 blkio hierarchy");
        Path file = tmp.resolve("data");
        Files.write(file, new byte[20 << 20]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);   // else dd's O_DIRECT read first writes the dirty pages back, from its cgroup
        }
        String dev = wholeDisk(file);
        try (TestCgroups cg = new TestCgroups(); ExtraViews v = new ExtraViews(PROC, false)) {
            Path io = cg.create("blkio", "disk");
            Path quiet = cg.create("blkio", "quiet");
            // blk-throttle only accounts once a rule exists on the device's queue: set a limit nobody reaches
            Files.writeString(io.resolve("blkio.throttle.read_bps_device"), dev + " 107374182400\n");
            Files.writeString(quiet.resolve("blkio.throttle.read_bps_device"), dev + " 107374182400\n");
            Process dd = cg.start("exec dd if=" + file + " of=/dev/null bs=1M count=20 iflag=direct status=none", io);
            assertEquals(0, dd.waitFor());

            String out = Fixtures.str(v.diskstats(new CgroupDirs(null, io, null, null, false)));
            String[] f = out.trim().split("\\s+");
            assertEquals(dev, f[0] + ":" + f[1], out);
            assertTrue(Long.parseLong(f[3]) >= 20, "reads completed: " + out);
            assertTrue(Long.parseLong(f[5]) >= 40960, "sectors read: " + out);
            assertEquals("0", f[7], "no writes: " + out);
            assertEquals(17, f.length - 3, "the host kernel's 17 columns: " + out);
            assertEquals("", Fixtures.str(v.diskstats(new CgroupDirs(null, quiet, null, null, false))));
        }
    }

    @Test
    void busyLoopRaisesItsLoadavgAndCpuPressureButNotTheIdleCgroups() throws Exception {
        assumeTrue(TestCgroups.available("cpu") && TestCgroups.available(""), "needs v1 cpu and cgroup2 hierarchies");
        try (TestCgroups cg = new TestCgroups();
             ExtraViews v = new ExtraViews(PROC, true, Duration.ofMillis(200), Duration.ofMinutes(1))) {
            Path busyCpu = cg.create("cpu", "busy"), busyU = cg.create("", "busy");
            Path idleCpu = cg.create("cpu", "idle"), idleU = cg.create("", "idle");
            // two spinners sharing one CPU: both always runnable, each waiting half the time
            cg.start("exec taskset -c 0 sh -c 'while :; do :; done & while :; do :; done'", busyCpu, busyU);
            cg.start("exec sleep 60", idleCpu, idleU);
            CgroupDirs busy = new CgroupDirs(busyCpu, null, null, busyU, false);
            CgroupDirs idle = new CgroupDirs(idleCpu, null, null, idleU, false);
            v.loadavg(busy);
            v.loadavg(idle);
            Thread.sleep(4500);

            String[] b = Fixtures.str(v.loadavg(busy)).trim().split(" ");
            String[] i = Fixtures.str(v.loadavg(idle)).trim().split(" ");
            assertTrue(Double.parseDouble(b[0]) > 0.8, "busy 1-min load: " + String.join(" ", b));
            assertEquals("2/2", b[3]);
            assertEquals("0.00", i[0]);
            assertEquals("0/1", i[3]);
            assertTrue(Double.parseDouble(avg10(v.pressure("cpu", busy))) > 10, "busy cpu.pressure");
            assertTrue(Double.parseDouble(avg10(v.pressure("cpu", idle))) < 5, "idle cpu.pressure");
            assertEquals(2, v.sampledCgroups());
        }
    }

    private static String avg10(byte[] pressure) {
        String s = Fixtures.str(pressure);
        assertTrue(s.startsWith("some avg10="), s);
        return s.substring("some avg10=".length(), s.indexOf(' ', 5));
    }

    /** "major:minor" of the whole disk holding {@code file}. */
    private static String wholeDisk(Path file) throws IOException {
        long dev = (Long) Files.getAttribute(file, "unix:dev");
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        Path sys = Path.of("/sys/dev/block/" + major + ":" + minor).toRealPath();
        if (Files.exists(sys.resolve("partition"))) sys = sys.getParent();
        assumeTrue(Files.exists(sys.resolve("dev")), "file is not on a block device");
        return Files.readString(sys.resolve("dev")).trim();
    }
}
