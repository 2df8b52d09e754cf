package io.jlxcfs.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.jlxcfs.testing.DaemonProcess;
import io.jlxcfs.testing.Exec;
import io.jlxcfs.testing.Mounts;

/**
 * Restarts that containers never notice: a container-like process (its own mount namespace with
 * the jlxcfs file bind-mounted over /proc/meminfo) reads in a loop while the daemon, run under
 * fdstore-sim.py (systemd's notify socket and fd store), is killed and restarted.
 */
class RestartIT {

    /** The workplace's stand-in for systemd, where this machine has it (not part of the product). */
    static final Path FDSTORE_SIM = java.util.stream.Stream.of(
                    System.getenv().getOrDefault("JLXCFS_FDSTORE_SIM", ""),
                    "/work/shared/tools/fdstore-sim.py", "../shared/tools/fdstore-sim.py", "../../shared/tools/fdstore-sim.py")
            .filter(s -> !s.isEmpty()).map(Path::of).filter(Files::isReadable).findFirst()
            .orElse(Path.of("/nonexistent/fdstore-sim.py")).toAbsolutePath();

    /** A reader in its own mount namespace; one line per read: "ok MS" or "FAIL". */
    static Process reader(Path mnt, Path out, int reads) throws IOException {
        String loop = "mount --bind " + mnt + "/proc/meminfo /proc/meminfo || exit 3; i=0; while [ $i -lt " + reads + " ]; do "
                + "t0=$(date +%s%N); if head -1 /proc/meminfo >/dev/null 2>&1; then echo \"ok $(( ($(date +%s%N)-t0)/1000000 ))\"; "
                + "else echo FAIL; fi; sleep 0.03; i=$((i+1)); done";
        return new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", loop)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** jlxcfs's own fd store and restarter, which ships with it: SIGKILL, then SIGTERM, of the daemon. */
    @Test
    void killAndTermRestartsUnderJlxcfsSuperviseLoseNoRead() throws Exception {
        Path mnt = Files.createTempDirectory("jlxcfs-supervise-");
        Path supLog = Files.createTempFile("supervise", ".log");
        Path readLog = Files.createTempFile("reader", ".log");
        List<String> cmd = new ArrayList<>(DaemonProcess.javaCommand());
        cmd.addAll(List.of("supervise", "--runtime-dir", mnt + ".run", "--"));
        cmd.addAll(DaemonProcess.daemonCommand());
        cmd.addAll(List.of("--pidfile", mnt + ".pid", mnt.toString()));
        Process sup = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(supLog.toFile()).start();
        try {
            waitMounted(mnt);
            Process r = reader(mnt, readLog, 250);
            Thread.sleep(1500);
            long first = daemonOf(sup);
            new ProcessBuilder("kill", "-KILL", Long.toString(first)).start().waitFor();
            long second = awaitNewDaemon(sup, first);
            Thread.sleep(2500);
            new ProcessBuilder("kill", "-TERM", Long.toString(second)).start().waitFor();
            awaitNewDaemon(sup, second);
            assertTrue(r.waitFor(90, TimeUnit.SECONDS), "reader hung");
            String sl = Files.readString(supLog);
            assertReadsSurvived(Files.readAllLines(readLog), 250, sl);
            assertEquals(2, sl.lines().filter(l -> l.contains("took over the FUSE connection")).count(), sl);
        } finally {
            sup.destroy(); // SIGTERM: stops the daemon, drops the store, unmounts
            sup.waitFor(15, TimeUnit.SECONDS);
            assertFalse(Mounts.isFuseMount(mnt), "supervise left the mount behind:\n" + Files.readString(supLog));
            Files.deleteIfExists(mnt);
            DaemonProcess.deleteLeftovers(mnt);
            Files.deleteIfExists(supLog);
            Files.deleteIfExists(readLog);
        }
    }

    /** SIGUSR1 (systemctl reload): the daemon re-executes in place, same pid, and no read fails. */
    @Test
    void reloadReexecutesInPlaceWithoutUnmounting() throws Exception {
        Path readLog = Files.createTempFile("reader", ".log");
        try (DaemonProcess d = DaemonProcess.start()) {
            Process r = reader(d.mountpoint(), readLog, 150);
            Thread.sleep(1000);
            d.signal("USR1");
            Thread.sleep(2500);
            d.signal("USR1");
            assertTrue(r.waitFor(60, TimeUnit.SECONDS), "reader hung");
            assertTrue(d.process().isAlive(), "the daemon (same pid) must still run:\n" + d.log());
            assertEquals(2, d.log().lines().filter(l -> l.contains("reloading: re-executing")).count(), d.log());
            assertEquals(2, d.log().lines().filter(l -> l.contains("took over the FUSE connection")).count(), d.log());
            assertReadsSurvived(Files.readAllLines(readLog), 150, d.log());
            d.signal("TERM");
            assertEquals(0, d.waitFor(Duration.ofSeconds(10)), d.log());
            assertFalse(Mounts.isFuseMount(d.mountpoint()), "a stop after reloads still unmounts");
        } finally {
            Files.deleteIfExists(readLog);
        }
    }

    /**
     * An upgrade as a package manager does it: the jar is replaced on disk (a new file renamed over
     * the old one), then {@code systemctl reload}. The same pid now runs the new jar, and no read
     * failed. The new jar differs in its manifest's version, which the daemon logs when it serves.
     */
    @Test
    void reloadAfterTheJarIsReplacedRunsTheNewJar() throws Exception {
        Path dir = Files.createTempDirectory("jlxcfs-upgrade-");
        Path jar = dir.resolve("jlxcfs.jar");
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Path log = dir.resolve("daemon.log");
        Path readLog = dir.resolve("reader.log");
        Files.copy(DaemonProcess.JAR, jar);
        List<String> cmd = new ArrayList<>(DaemonProcess.javaCommand());
        cmd.set(cmd.indexOf(DaemonProcess.JAR.toString()), jar.toString());
        cmd.addAll(List.of("--pidfile", dir.resolve("pid").toString(), mnt.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("_JAVA_SR_SIGNUM", "40");
        Process d = pb.start();
        try {
            waitMounted(mnt);
            String oldVersion;
            try (var j = new java.util.jar.JarFile(jar.toFile())) {
                oldVersion = j.getManifest().getMainAttributes().getValue("Implementation-Version");
            }
            awaitLog(log, "serving " + mnt + " (version " + oldVersion + ")");
            Process r = reader(mnt, readLog, 120);
            Thread.sleep(1000);

            Path next = dir.resolve("jlxcfs.jar.new");
            Files.copy(DaemonProcess.JAR, next);

            try (var zip = java.nio.file.FileSystems.newFileSystem(next)) {
                Path mf = zip.getPath("META-INF/MANIFEST.MF");
                String text = Files.readString(mf).replaceAll("(?m)^Implementation-Version: .*$",
                        "Implementation-Version: 9.9.9-upgrade");
                assertTrue(text.contains("9.9.9-upgrade"), text);
                Files.writeString(mf, text);
            }
            Files.move(next, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            new ProcessBuilder("kill", "-USR1", Long.toString(d.pid())).start().waitFor();
            awaitLog(log, "serving " + mnt + " (version 9.9.9-upgrade)");

            assertTrue(r.waitFor(60, TimeUnit.SECONDS), "reader hung");
            String l = Files.readString(log);
            assertTrue(d.isAlive(), "the daemon (same pid) must still run:\n" + l);
            assertReadsSurvived(Files.readAllLines(readLog), 120, l);
            // the JVM now holds the new jar open, not the replaced (deleted) one
            boolean holdsDeleted = false;
            try (var fds = Files.list(Path.of("/proc", Long.toString(d.pid()), "fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith(jar.toString()) && target.endsWith("(deleted)")) holdsDeleted = true;
                    } catch (IOException gone) {
                        // a descriptor closed while listing
                    }
                }
            }
            assertFalse(holdsDeleted, "the daemon still runs the replaced jar");
        } finally {
            d.destroy();
            d.waitFor(15, TimeUnit.SECONDS);
            if (Mounts.isFuseMount(mnt)) Exec.run("umount", "-l", mnt.toString());
            DaemonProcess.deleteTree(dir);
        }
    }

    static void awaitLog(Path log, String line) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (Files.readString(log).contains(line)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no \"" + line + "\" in the log:\n" + Files.readString(log));
    }

    static long daemonOf(Process sup) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var kids = sup.toHandle().children().toList();
            if (!kids.isEmpty()) return kids.get(0).pid();
            Thread.sleep(50);
        }
        throw new AssertionError("supervise started no daemon");
    }

    static long awaitNewDaemon(Process sup, long old) throws InterruptedException {
        for (int i = 0; i < 400; i++) {
            var kids = sup.toHandle().children().filter(h -> h.pid() != old).toList();
            if (!kids.isEmpty()) return kids.get(0).pid();
            Thread.sleep(25);
        }
        throw new AssertionError("supervise did not restart the daemon");
    }

    static void assertReadsSurvived(List<String> lines, int reads, String log) {
        assertEquals(reads, lines.size(), "reader output:\n" + lines + "\n" + log);
        assertFalse(lines.contains("FAIL"), "a read failed:\n" + lines + "\n" + log);
        long worst = lines.stream().mapToLong(l -> Long.parseLong(l.substring(3).trim())).max().orElse(0);
        assertTrue(worst < 2000, "a read stalled " + worst + " ms:\n" + log);
    }

    /** systemd's part played by the workplace's fdstore-sim.py, when this machine has it. */
    @Test
    @org.junit.jupiter.api.condition.EnabledIf("fdstoreSimPresent")
    void killAndTermRestartsUnderAnFdStoreLoseNoRead() throws Exception {
        Path mnt = Files.createTempDirectory("jlxcfs-restart-");
        Path simLog = Files.createTempFile("fdstore-sim", ".log");
        Path readLog = Files.createTempFile("reader", ".log");
        List<String> cmd = new ArrayList<>(List.of("python3", FDSTORE_SIM.toString(), "--restarts", "2", "--kill-after", "2.5",
                "--signal", "KILL,TERM", "--"));
        cmd.addAll(DaemonProcess.daemonCommand());
        cmd.addAll(List.of("--pidfile", mnt + ".pid", mnt.toString()));
        Process sim = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(simLog.toFile()).start();
        try {
            waitMounted(mnt);
            Process r = reader(mnt, readLog, 300);
            assertTrue(r.waitFor(90, TimeUnit.SECONDS), "reader hung");
            List<String> lines = Files.readAllLines(readLog);
            String sl = Files.readString(simLog);
            assertEquals(2, sl.lines().filter(l -> l.contains(" restart pid=")).count(), sl);
            assertTrue(sl.contains("signal KILL") && sl.contains("signal TERM"), sl);
            assertReadsSurvived(lines, 300, sl);
            assertTrue(sl.contains("took over the FUSE connection"), sl);
        } finally {
            sim.destroy(); // SIGTERM: forwarded to the daemon, which hands over; then the sim closes the store
            sim.waitFor(15, TimeUnit.SECONDS);
            if (Mounts.isFuseMount(mnt)) Exec.run("umount", "-l", mnt.toString());
            Files.deleteIfExists(mnt);
            DaemonProcess.deleteLeftovers(mnt);
            Files.deleteIfExists(simLog);
            Files.deleteIfExists(readLog);
        }
    }

    @Test
    void remountRevivesAContainerAfterStopAndStartWithoutAStore() throws Exception {
        Path mnt = Files.createTempDirectory("jlxcfs-remount-");
        Path readLog = Files.createTempFile("reader", ".log");
        Process r = null;
        try {
            try (DaemonProcess d1 = DaemonProcess.start(mnt, Map.of())) {
                r = reader(mnt, readLog, 200);
                Thread.sleep(1000);
                d1.signal("TERM");
                assertEquals(0, d1.waitFor(Duration.ofSeconds(5)), d1.log());
            }
            Thread.sleep(500);
            assertTrue(Files.readString(readLog).contains("FAIL"), "reads should fail while no daemon serves");
            Files.createDirectories(mnt); // closing d1 removed it
            try (DaemonProcess d2 = DaemonProcess.start(mnt, Map.of())) {
                List<String> remount = new ArrayList<>(DaemonProcess.javaCommand());
                remount.addAll(List.of("remount", mnt.toString()));
                Exec.Result res = Exec.run(remount);
                assertEquals(0, res.exit(), res.out());
                assertTrue(res.out().contains("rebound /proc/meminfo"), res.out());
                int before = Files.readAllLines(readLog).size();
                Thread.sleep(1000);
                List<String> after = Files.readAllLines(readLog);
                List<String> tail = after.subList(before, after.size());
                assertFalse(tail.isEmpty());
                assertFalse(tail.contains("FAIL"), "reads still fail after remount: " + tail);
            }
        } finally {
            if (r != null) {
                r.destroy();
                r.waitFor(5, TimeUnit.SECONDS);
            }
            if (Mounts.isFuseMount(mnt)) Exec.run("umount", "-l", mnt.toString());
            Files.deleteIfExists(mnt);
            Files.deleteIfExists(readLog);
        }
    }

    static boolean fdstoreSimPresent() {
        return Files.isReadable(FDSTORE_SIM);
    }

    static void waitMounted(Path mnt) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (Mounts.isFuseMount(mnt)) return;
            Thread.sleep(50);
        }
        throw new IOException("not mounted: " + mnt);
    }
}
