package io.jlxcfs.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.caller.Caller;
import io.jlxcfs.view.Fixtures;
import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.view.extra.CgroupDirs;
import io.jlxcfs.vfs.VirtualFile;

/**
 * How {@link Views} maps a caller's cgroups to the extra views' directories, and the extra files
 * rendered through {@code Views.render} on the fixture trees (the expected bytes are the
 * goldens of {@code fixtures/extra}, which were computed by hand from the same real captures).
 */
class ExtraWiringTest {

    static final String MEMCG = "process_api/ae1ac52b6fb00a569d99500211031389/jlxcfs-test-fix";

    @TempDir
    Path tmp;

    @Test
    void plainV1MapsControllerDirsAndHasNoUnifiedDir() {
        Path tree = Fixtures.copy("v1-basic", tmp);
        try (Views v = new Views(Fixtures.config(tree, false))) {
            CgroupDirs d = v.cgroupDirs(caller(v, 4242));
            assertEquals(tree.resolve("cgroup/cpu/jlxcfs-test-fix"), d.cpu());
            assertEquals(tree.resolve("cgroup/memory/" + MEMCG), d.memory());
            assertNull(d.blkio(), "no blkio hierarchy in this tree");
            assertNull(d.unified(), "plain v1: no cgroup2 mount");
            assertEquals(false, d.v2());
            // without a unified dir, pressure is the host's file; without blkio, diskstats too
            write(tree.resolve("proc/pressure/cpu"), "some avg10=1.00 avg60=0.00 avg300=0.00 total=1\n");
            write(tree.resolve("proc/diskstats"), "   8       0 sda 1 0 0 0 0 0 0 0 0 0 0\n");
            assertEquals(read(tree.resolve("proc/pressure/cpu")), render(v, VirtualFile.PROC_PRESSURE_CPU, 4242));
            assertEquals(read(tree.resolve("proc/diskstats")), render(v, VirtualFile.PROC_DISKSTATS, 4242));
        }
    }

    @Test
    void hybridAddsTheCgroup2MountJoinedWithTheZeroPath() {
        Path tree = Fixtures.copy("v1-hybrid-4cpu-swap", tmp);
        try (Views v = new Views(Fixtures.config(tree, false))) {
            CgroupDirs d = v.cgroupDirs(caller(v, 4242));
            assertEquals(tree.resolve("cgroup/unified"), d.unified(), "0::/ is the cgroup2 root");
            assertEquals(tree.resolve("cgroup/cpu/jlxcfs-test-fix"), d.cpu());
            assertEquals(read(tree.resolve("cgroup/unified/cpu.pressure")), render(v, VirtualFile.PROC_PRESSURE_CPU, 4242));
        }
    }

    @Test
    void hybridNestedUnifiedPath() throws IOException {
        Path tree = Fixtures.copy("v1-hybrid-4cpu-swap", tmp);
        Path cg = tree.resolve("proc/4242/cgroup");
        Files.writeString(cg, Files.readString(cg).replace("0::/", "0::/jlxcfs-test-fix/init.scope"));
        try (Views v = new Views(Fixtures.config(tree, false))) {
            assertEquals(tree.resolve("cgroup/unified/jlxcfs-test-fix"), v.cgroupDirs(caller(v, 4242)).unified(),
                    "init.scope stripped, path joined below unified/");
        }
    }

    @Test
    void v1ThrottleDiskstatsAndSlabinfoThroughViews() throws IOException {
        Path tree = Fixtures.copy("v1-hybrid-4cpu-swap", tmp);
        Path extra = Fixtures.resource("extra");
        copyDir(extra.resolve("v1-throttle/blkio"), tree.resolve("cgroup/blkio"));
        Files.copy(extra.resolve("v1-throttle/proc/diskstats"), tree.resolve("proc/diskstats"));
        Files.copy(extra.resolve("v1-slab/memory/memory.kmem.slabinfo"),
                tree.resolve("cgroup/memory/" + MEMCG + "/memory.kmem.slabinfo"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(extra.resolve("v1-slab/proc/slabinfo"), tree.resolve("proc/slabinfo"));
        try (Views v = new Views(Fixtures.config(tree, false))) {
            assertEquals(tree.resolve("cgroup/blkio"), v.cgroupDirs(caller(v, 4242)).blkio(), "blkio:/ is the root");
            assertEquals(read(extra.resolve("golden/diskstats-v1-throttle.txt")), render(v, VirtualFile.PROC_DISKSTATS, 4242));
            assertEquals(read(extra.resolve("golden/slabinfo-v1.txt")), render(v, VirtualFile.PROC_SLABINFO, 4242));
        }
    }

    @Test
    void pureV2OneDirForAllAndPidNamespaceInitDecides() throws IOException {
        Path tree = v2Tree();
        Path ctr1 = tree.resolve("cgroup/kubepods.slice/pod-a/ctr-1");
        Path extra = Fixtures.resource("extra");
        try (Views v = new Views(Fixtures.config(tree, false))) {
            assertEquals(CgroupDirs.v2(ctr1), v.cgroupDirs(caller(v, 136)));
            assertEquals(CgroupDirs.v2(ctr1), v.cgroupDirs(caller(v, 158)), "158's view is its pid-ns init 156");
            assertEquals(read(extra.resolve("golden/diskstats-v2-ctr-1.txt")), render(v, VirtualFile.PROC_DISKSTATS, 136));
            assertEquals(read(extra.resolve("golden/diskstats-v2-ctr-1.txt")), render(v, VirtualFile.PROC_DISKSTATS, 158));
            assertEquals(read(extra.resolve("golden/diskstats-v2-ctr-2.txt")), render(v, VirtualFile.PROC_DISKSTATS, 178));
            for (String w : new String[] {"cpu", "io", "memory"}) {
                VirtualFile f = VirtualFile.valueOf("PROC_PRESSURE_" + w.toUpperCase());
                assertEquals(read(ctr1.resolve(w + ".pressure")), render(v, f, 136), w);
            }
            // v2: no per-memcg slabinfo; without -l the host's loadavg
            assertEquals(read(tree.resolve("proc/slabinfo")), render(v, VirtualFile.PROC_SLABINFO, 136));
            assertEquals(read(tree.resolve("proc/loadavg")), render(v, VirtualFile.PROC_LOADAVG, 136));
        }
    }

    @Test
    void passthroughAndUnknownCallersServeHostFiles() throws IOException {
        Path tree = v2Tree();
        try (Views v = new Views(Fixtures.config(tree, false))) {
            assertNull(v.cgroupDirs(null));
            String host = read(tree.resolve("proc/diskstats"));
            assertEquals(host, render(v, VirtualFile.PROC_DISKSTATS, 99999), "unknown pid");
            v.setPassthrough(true);
            assertEquals(host, render(v, VirtualFile.PROC_DISKSTATS, 136));
            assertEquals(read(tree.resolve("proc/pressure/io")), render(v, VirtualFile.PROC_PRESSURE_IO, 136));
        }
    }

    @Test
    void loadavgSamplerStartsWithMinusLAndStopsOnClose() throws IOException {
        Path tree = v2Tree();
        ViewConfig c = Fixtures.config(tree, false);
        ViewConfig withL = new ViewConfig(c.cgroupRoot(), c.procRoot(), c.sysRoot(), true, true, false, true);
        Views v = new Views(withL);
        String first = render(v, VirtualFile.PROC_LOADAVG, 136);
        assertEquals(true, first.matches("0\\.00 0\\.00 0\\.00 \\d+/\\d+ \\d+\n"), first);
        v.close();
        assertEquals(false, Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("jlxcfs-loadavg") && t.isAlive() && waitDead(t)), "sampler thread left");
    }

    private static boolean waitDead(Thread t) {
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t.isAlive();
    }

    /** The v2 fixture with the host diskstats/slabinfo/loadavg/pressure files of fixtures/extra/v2. */
    private Path v2Tree() throws IOException {
        Path tree = Fixtures.copy("v2", tmp);
        Path proc = Fixtures.resource("extra/v2/proc");
        Files.copy(proc.resolve("diskstats"), tree.resolve("proc/diskstats"));
        Files.copy(proc.resolve("loadavg"), tree.resolve("proc/loadavg"));
        copyDir(proc.resolve("pressure"), tree.resolve("proc/pressure"));
        write(tree.resolve("proc/slabinfo"), "slabinfo - version: 2.1\n# host\n");
        return tree;
    }

    private static Caller caller(Views v, int pid) {
        return v.callerResolver().resolve(pid);
    }

    private static String render(Views v, VirtualFile f, int pid) {
        return new String(v.render(f, pid), StandardCharsets.ISO_8859_1);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(Path p, String s) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void copyDir(Path src, Path dst) throws IOException {
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
