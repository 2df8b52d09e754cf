package io.jlxcfs.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import io.jlxcfs.testing.DaemonProcess;
import io.jlxcfs.testing.TestCgroup;

/**
 * SIGUSR2 toggles host passthrough (as in lxcfs), and nothing but SIGUSR2 does: a profiler that
 * suspends the daemon's threads (JFR) must not flip it. HotSpot suspends threads with SIGUSR2
 * unless {@code _JAVA_SR_SIGNUM} moves it; the launchers (and {@link DaemonProcess}) do.
 */
@Tag("cgroup")
@EnabledIf("io.jlxcfs.testing.TestCgroup#v1MemoryAvailable")
class SignalIT {

    static final Pattern MEMTOTAL = Pattern.compile("MemTotal:\\s+(\\d+) kB");
    static DaemonProcess d;
    static TestCgroup cg;

    @BeforeAll
    static void mount() throws Exception {
        d = DaemonProcess.start();
        cg = TestCgroup.memory("signal", 64L << 20);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (cg != null) cg.close();
        if (d != null) d.close();
    }

    /** MemTotal in kB as a thread inside the 64 MiB cgroup reads it through the mount. */
    static long memTotalInCgroup() throws Exception {
        var result = new java.util.concurrent.atomic.AtomicReference<Object>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                cg.addTask(TestCgroup.currentTid());
                Matcher m = MEMTOTAL.matcher(Files.readString(d.file("proc/meminfo")));
                result.set(m.find() ? Long.parseLong(m.group(1)) : -1L);
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Throwable e) throw new AssertionError(e);
        return (Long) result.get();
    }

    static long hostMemTotal() throws Exception {
        Matcher m = MEMTOTAL.matcher(Files.readString(Path.of("/proc/meminfo")));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    static long toggles() {
        return d.log().lines().filter(l -> l.contains("SIGUSR2:")).count();
    }

    static void awaitToggles(long n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (toggles() < n && System.nanoTime() < end) Thread.sleep(20);
        assertEquals(n, toggles(), d.log());
    }

    @Test
    void usr2TogglesHostPassthroughAndBack() throws Exception {
        long before = toggles();
        assertEquals(64 * 1024, memTotalInCgroup());
        d.signal("USR2");
        awaitToggles(before + 1);
        assertEquals(hostMemTotal(), memTotalInCgroup(), "passthrough serves the host's file");
        d.signal("USR2");
        awaitToggles(before + 2);
        assertEquals(64 * 1024, memTotalInCgroup(), "virtualising again");
    }

    @Test
    void aProfilerSuspendingThreadsDoesNotToggle() throws Exception {
        long before = toggles();
        assertFalse(d.log().contains("suspends threads with SIGUSR2"), d.log());
        Path jfr = Files.createTempFile("jlxcfs-signal-", ".jfr");
        try {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            // the profile settings sample every Java thread every 10-20 ms by suspending it
            Process p = new ProcessBuilder(jcmd, Long.toString(d.pid()), "JFR.start", "name=signal-it",
                    "settings=profile", "duration=2s", "filename=" + jfr).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            // readers keep the workers busy while the sampler suspends them
            while (System.nanoTime() < end) {
                assertEquals(64 * 1024, memTotalInCgroup());
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            assertEquals(before, toggles(), d.log());
            assertEquals(64 * 1024, memTotalInCgroup());
        } finally {
            Files.deleteIfExists(jfr);
        }
    }
}
