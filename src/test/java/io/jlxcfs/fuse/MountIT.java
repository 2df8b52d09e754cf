package io.jlxcfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.jlxcfs.testing.DaemonProcess;
import io.jlxcfs.testing.Exec;
import io.jlxcfs.testing.Mounts;
import io.jlxcfs.vfs.VirtualFile;

/** A real daemon on a real /dev/fuse mount: the tree, reads, errnos, and stopping it. */
class MountIT {

    static DaemonProcess d;

    @BeforeAll
    static void mount() throws Exception {
        d = DaemonProcess.start();
    }

    @AfterAll
    static void unmount() throws Exception {
        if (d != null) d.close();
    }

    @Test
    void mountShowsWhoServesIt() {
        assertEquals("fuse.jlxcfs", Mounts.fsType(d.mountpoint()));
    }

    @Test
    void everyVirtualFileExistsAndReads() throws Exception {
        for (VirtualFile vf : VirtualFile.values()) {
            Path p = d.file(vf.path());
            assertTrue(Files.isRegularFile(p), vf.path());
            long size = Files.size(p);
            // a page multiple, or less once a page-cache (sendfile) read found the end sooner
            assertTrue(size > 0, vf.path() + " size " + size);
            byte[] b = Files.readAllBytes(p);
            if (vf != VirtualFile.PROC_SLABINFO) assertTrue(b.length > 0, vf.path() + " is empty");
        }
        assertTrue(new String(Files.readAllBytes(d.file("proc/meminfo"))).startsWith("MemTotal:"));
    }

    @Test
    void sendfileReadersGetTheWholeFile() throws Exception {
        // busybox cat copies with sendfile(2), which goes through the page cache and stops at st_size
        for (String f : List.of("proc/meminfo", "proc/stat", "proc/cpuinfo", "proc/uptime", "sys/devices/system/cpu/online")) {
            Exec.Result r = Exec.run("busybox", "cat", d.file(f).toString());
            assertEquals(0, r.exit(), r.out());
            String direct = Files.readString(d.file(f));
            assertEquals(direct.lines().count(), r.out().lines().count(), f + ":\n" + r.out());
            assertTrue(r.out().endsWith("\n"), f);
        }
    }

    @Test
    void readdirHasDotAndDotDotOnce() throws Exception {
        for (String dir : List.of("", "proc", "proc/pressure", "sys/devices/system/cpu")) {
            String out = Exec.run("ls", "-a1", d.file(dir).toString()).out();
            List<String> names = List.of(out.split("\n"));
            assertEquals(1, names.stream().filter(n -> n.equals(".")).count(), dir);
            assertEquals(1, names.stream().filter(n -> n.equals("..")).count(), dir);
            assertEquals(names.size(), names.stream().distinct().count(), "duplicates in " + dir + ": " + names);
        }
        String proc = Exec.run("ls", "-1", d.file("proc").toString()).out();
        assertEquals("cpuinfo\ndiskstats\nloadavg\nmeminfo\npressure\nslabinfo\nstat\nswaps\nuptime\n", proc);
    }

    @Test
    void sysCpuIsPassedThroughWithVirtualOnline() throws Exception {
        Path cpu = d.file("sys/devices/system/cpu");
        assertTrue(Files.isDirectory(cpu.resolve("cpu0")));
        assertEquals(Files.readString(Path.of("/sys/devices/system/cpu/kernel_max")), Files.readString(cpu.resolve("kernel_max")));
        assertEquals(Files.readSymbolicLink(Path.of("/sys/devices/system/cpu/cpu0/subsystem")),
                Files.readSymbolicLink(cpu.resolve("cpu0/subsystem")));
        assertTrue(Files.readString(cpu.resolve("online")).matches("[0-9,\\-]+\n"));
    }

    @Test
    void readsAtLaterOffsetsSliceTheSnapshotOfOffsetZero() throws Exception {
        try (FileChannel ch = FileChannel.open(d.file("proc/stat"), StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(64);
            ch.read(first, 0);
            ByteBuffer all = ByteBuffer.allocate(1 << 16);
            int n0 = ch.read(all, 0);
            // reads in small chunks: one consistent snapshot
            ByteBuffer chunk = ByteBuffer.allocate(100);
            StringBuilder sb = new StringBuilder();
            long off = 0;
            ch.read(ByteBuffer.allocate(1), 0); // re-render
            String snap;
            ByteBuffer whole = ByteBuffer.allocate(1 << 16);
            int nw = ch.read(whole, 0);
            snap = new String(whole.array(), 0, nw, StandardCharsets.UTF_8);
            while (true) {
                chunk.clear();
                int n = ch.read(chunk, off == 0 ? 1 : off);
                if (n <= 0) break;
                sb.append(new String(chunk.array(), 0, n, StandardCharsets.UTF_8));
                off = (off == 0 ? 1 : off) + n;
            }
            assertEquals(snap.substring(1), sb.toString());
            assertTrue(n0 > 0);
            // past the end: EOF, not an error
            assertEquals(-1, ch.read(ByteBuffer.allocate(10), 1 << 20));
        }
    }

    @Test
    void writesAreRefusedWithEROFS() throws Exception {
        String py = String.join("\n",
                "import os, errno, sys",
                "m = sys.argv[1]",
                "def e(f):",
                "    try:",
                "        f(); return 'ok'",
                "    except OSError as x: return errno.errorcode[x.errno]",
                "print('open_w', e(lambda: os.open(m + '/proc/meminfo', os.O_WRONLY)))",
                "print('creat', e(lambda: os.open(m + '/proc/new', os.O_WRONLY | os.O_CREAT, 0o644)))",
                "print('truncate', e(lambda: os.truncate(m + '/proc/meminfo', 0)))",
                "print('mkdir', e(lambda: os.mkdir(m + '/proc/x')))",
                "print('unlink', e(lambda: os.unlink(m + '/proc/meminfo')))",
                "print('rename', e(lambda: os.rename(m + '/proc/meminfo', m + '/proc/x')))",
                "print('mknod', e(lambda: os.mknod(m + '/proc/n')))",
                "print('symlink', e(lambda: os.symlink('x', m + '/proc/l')))",
                "print('chmod', e(lambda: os.chmod(m + '/proc/meminfo', 0o777)))",
                "print('setxattr', e(lambda: os.setxattr(m + '/proc/meminfo', 'user.x', b'1')))",
                "print('getxattr', e(lambda: os.getxattr(m + '/proc/meminfo', 'user.x')))",
                "print('listxattr', os.listxattr(m + '/proc/meminfo'))",
                "print('open_missing', e(lambda: os.open(m + '/proc/nope', os.O_RDONLY)))");
        String out = Exec.run("/usr/bin/python3", "-c", py, d.mountpoint().toString()).out();
        for (String op : List.of("open_w", "creat", "truncate", "mkdir", "unlink", "rename", "mknod", "symlink", "chmod", "setxattr")) {
            assertTrue(out.contains(op + " EROFS"), op + ": " + out);
        }
        assertTrue(out.contains("getxattr ENODATA"), out);
        assertTrue(out.contains("listxattr []"), out);
        assertTrue(out.contains("open_missing ENOENT"), out);
    }

    @Test
    void slabinfoIsRootOnly() throws Exception {
        assertEquals("400", Exec.run("stat", "-c", "%a", d.file("proc/slabinfo").toString()).out().trim());
        Exec.Result r = Exec.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", d.file("proc/slabinfo").toString());
        assertTrue(r.out().contains("Permission denied"), r.out());
        Exec.Result ok = Exec.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", d.file("proc/meminfo").toString());
        assertEquals(0, ok.exit(), ok.out());
    }

    @Test
    void sigtermWhileReadersAreBusyExitsZeroAndUnmounts() throws Exception {
        try (DaemonProcess own = DaemonProcess.start()) {
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicLong reads = new AtomicLong();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = Thread.ofPlatform().start(() -> {
                    while (run.get()) {
                        try {
                            Files.readAllBytes(own.file("proc/meminfo"));
                            reads.incrementAndGet();
                        } catch (Exception e) {
                            // expected once the mount goes away
                        }
                    }
                });
                readers.add(t);
            }
            while (reads.get() < 200) Thread.sleep(10);
            long t0 = System.nanoTime();
            own.signal("TERM");
            int rc = own.waitFor(Duration.ofSeconds(5));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            run.set(false);
            for (Thread t : readers) t.join(5000);
            assertEquals(0, rc, "exit code (" + ms + " ms):\n" + own.log());
            assertFalse(Mounts.isFuseMount(own.mountpoint()), "still mounted");
            assertFalse(own.log().contains("hs_err"), own.log());
        }
    }

    @Test
    void externalUnmountEndsTheDaemonCleanly() throws Exception {
        try (DaemonProcess own = DaemonProcess.start()) {
            Files.readAllBytes(own.file("proc/meminfo"));
            assertEquals(0, Exec.run("fusermount3", "-u", own.mountpoint().toString()).exit());
            assertEquals(0, own.waitFor(Duration.ofSeconds(5)), own.log());
            assertFalse(Mounts.isFuseMount(own.mountpoint()));
        }
    }

    @Test
    void sigintAlsoStopsCleanly() throws Exception {
        try (DaemonProcess own = DaemonProcess.start()) {
            own.signal("INT");
            int rc = own.waitFor(Duration.ofSeconds(5));
            // a JVM started from a non-interactive context may inherit SIGINT as ignored; then TERM
            if (rc == -1) {
                own.signal("TERM");
                rc = own.waitFor(Duration.ofSeconds(5));
            }
            assertEquals(0, rc, own.log());
            assertFalse(Mounts.isFuseMount(own.mountpoint()));
        }
    }

    @Test
    void badMountpointIsAClearErrorAndNothingIsMounted() throws Exception {
        Path file = Files.createTempFile("jlxcfs-not-a-dir", "");
        List<String> cmd = new ArrayList<>(DaemonProcess.javaCommand());
        cmd.addAll(List.of("--pidfile", file + ".pid", file.toString()));
        Exec.Result r = Exec.run(cmd);
        Files.deleteIfExists(file);
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.out().contains("not a directory"), r.out());
        List<String> bad = new ArrayList<>(DaemonProcess.javaCommand());
        bad.add("--no-such-option");
        bad.add("/tmp");
        Exec.Result r2 = Exec.run(bad);
        assertTrue(r2.exit() != 0, r2.out());
        assertTrue(r2.out().contains("Unknown option"), r2.out());
    }

    /**
     * After a burst has started every worker, the workers a lone reader leaves over park instead
     * of queueing in the device, where the kernel would hand each request to the one that waited
     * longest (the coldest). Seen from outside: once the reader stops, at most
     * {@link FuseServer#PARK_ABOVE} + 1 workers wait in {@code fuse_dev_do_read}, the others in a futex.
     */
    @Test
    void workersALoneReaderDoesNotNeedParkAfterABurst() throws Exception {
        Path f = d.file("proc/meminfo");
        List<Thread> burst = new ArrayList<>();
        AtomicBoolean go = new AtomicBoolean(true);
        for (int i = 0; i < 8; i++) {
            burst.add(Thread.ofPlatform().start(() -> {
                while (go.get()) {
                    try {
                        Files.readAllBytes(f);
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }));
        }
        Thread.sleep(1500);
        go.set(false);
        for (Thread t : burst) t.join();
        java.util.Map<String, String> atBurst = workerWaits();
        assertTrue(atBurst.size() >= 4, "the burst started workers: " + atBurst);
        for (int i = 0; i < 500; i++) Files.readAllBytes(f);
        Thread.sleep(300); // the last release is answered after close returns
        java.util.Map<String, String> waits = workerWaits();
        long inDevice = waits.values().stream().filter(w -> w.contains("fuse_dev")).count();
        long parked = waits.values().stream().filter(w -> w.contains("futex")).count();
        assertTrue(inDevice >= 1 && inDevice <= FuseServer.PARK_ABOVE + 1, "waiting in the device: " + waits);
        assertEquals(waits.size() - inDevice, parked, "the others are parked: " + waits);
    }

    /** Each FUSE worker thread of the daemon (by name) and where it sleeps ({@code wchan}). */
    private static java.util.Map<String, String> workerWaits() throws java.io.IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + d.pid() + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (comm.startsWith("jlxcfs-fuse")) out.put(comm, Files.readString(t.resolve("wchan")).trim());
                } catch (java.io.IOException gone) {
                    // a thread that ended in between
                }
            }
        }
        return out;
    }
}
