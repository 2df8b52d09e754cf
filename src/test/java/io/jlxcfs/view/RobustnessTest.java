package io.jlxcfs.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.vfs.VirtualFile;

/** Broken, odd and vanishing cgroup files over a copy of the v2 fixture: host file or a defined value, never a throw. */
class RobustnessTest {

    @TempDir
    Path tmp;
    Path tree, ctr1, ctr2;

    @BeforeEach
    void copy() {
        tree = Fixtures.copy("v2", tmp);
        ctr1 = tree.resolve("cgroup/kubepods.slice/pod-a/ctr-1");
        ctr2 = tree.resolve("cgroup/kubepods.slice/pod-b/ctr-2");
    }

    private String render(VirtualFile f, int pid) {
        return render(new Views(Fixtures.config(tree, false)), f, pid);
    }

    private static String render(Views v, VirtualFile f, int pid) {
        return new String(v.render(f, pid), StandardCharsets.ISO_8859_1);
    }

    private String host(String name) throws IOException {
        return Files.readString(tree.resolve("proc/" + name), StandardCharsets.ISO_8859_1);
    }

    private static String first(String s) {
        return s.lines().findFirst().orElse("");
    }

    @Test
    void pidZeroAndUnknownPidGetHostFiles() throws IOException {
        for (String f : new String[] {"meminfo", "stat", "cpuinfo", "uptime", "swaps"}) {
            VirtualFile vf = VirtualFile.valueOf("PROC_" + f.toUpperCase());
            assertEquals(host(f), render(vf, 0));
            assertEquals(host(f), render(vf, 99999));
        }
    }

    @Test
    void maxLimitsFallToTheAncestorAndHugeNumbersToTheHost() throws IOException {
        assertEquals("MemTotal:        1048576 kB", first(render(VirtualFile.PROC_MEMINFO, 178)));
        Files.writeString(tree.resolve("cgroup/kubepods.slice/memory.max"), "18446744073709551615\n");
        assertEquals(first(host("meminfo")), first(render(VirtualFile.PROC_MEMINFO, 178)));
        Files.writeString(tree.resolve("cgroup/kubepods.slice/memory.max"), "max\n");
        assertEquals(first(host("meminfo")), first(render(VirtualFile.PROC_MEMINFO, 178)));
    }

    @Test
    void garbageOrEmptyLimitIsIgnoredButAncestorsStillCount() throws IOException {
        Files.writeString(ctr1.resolve("memory.max"), "lots\n");
        assertEquals("MemTotal:        1048576 kB", first(render(VirtualFile.PROC_MEMINFO, 136)));
        Files.writeString(ctr1.resolve("memory.max"), "");
        assertEquals("MemTotal:        1048576 kB", first(render(VirtualFile.PROC_MEMINFO, 136)));
    }

    @Test
    void missingOrGarbageEssentialFilesGiveHostFiles() throws IOException {
        Files.delete(ctr1.resolve("memory.current"));
        assertEquals(host("meminfo"), render(VirtualFile.PROC_MEMINFO, 136));
        assertEquals(host("swaps"), render(VirtualFile.PROC_SWAPS, 136));
        Files.writeString(ctr1.resolve("cpuset.cpus.effective"), "x-y\n");
        Files.writeString(tree.resolve("cgroup/kubepods.slice/pod-a/cpuset.cpus.effective"), "");
        Files.writeString(tree.resolve("cgroup/kubepods.slice/cpuset.cpus.effective"), "garbage");
        Files.delete(tree.resolve("cgroup/cpuset.cpus.effective"));
        assertEquals(host("cpuinfo"), render(VirtualFile.PROC_CPUINFO, 136));
    }

    @Test
    void garbageCpuStatKeepsHostRowsOfVisibleCpus() throws IOException {
        Files.writeString(ctr1.resolve("cpu.stat"), "\u0000\u0001 nonsense\n");
        String stat = render(VirtualFile.PROC_STAT, 136);
        String hostCpu0 = host("stat").lines().filter(l -> l.startsWith("cpu0 ")).findFirst().orElseThrow();
        assertTrue(stat.contains("\n" + hostCpu0 + "\n"), stat);
        assertTrue(!stat.contains("\ncpu1 "), stat);
    }

    @Test
    void cgroupRemovedBetweenTwoReadsGivesHostFile() throws IOException {
        CgroupFs vanishing = new CgroupFs() {
            @Override
            public String read(Path p) {
                String s = super.read(p);
                if (p.getFileName().toString().equals("memory.current")) deleteTree(ctr2);
                return s;
            }
        };
        Views v = new Views(Fixtures.config(tree, false), vanishing);
        assertEquals(host("meminfo"), render(v, VirtualFile.PROC_MEMINFO, 178));
        assertEquals(host("cpuinfo"), render(v, VirtualFile.PROC_CPUINFO, 178));
    }

    @Test
    void processGoneAfterResolutionGivesHostFile() throws IOException {
        deleteTree(tree.resolve("proc/156"));
        // the namespace init is gone: the caller's own cgroup and start time are used
        assertTrue(render(VirtualFile.PROC_UPTIME, 158).matches("\\d+\\.\\d\\d \\d+\\.\\d\\d\n"));
        assertEquals("MemTotal:         262144 kB", first(render(VirtualFile.PROC_MEMINFO, 158)));
    }

    @Test
    void passthroughServesHostFiles() throws IOException {
        Views v = new Views(Fixtures.config(tree, false));
        v.setPassthrough(true);
        assertTrue(v.isPassthrough());
        assertEquals(host("meminfo"), render(v, VirtualFile.PROC_MEMINFO, 136));
        v.setPassthrough(false);
        assertEquals("MemTotal:         262144 kB", first(render(v, VirtualFile.PROC_MEMINFO, 136)));
    }

    @Test
    void disabledSwapAndZswapAreZero() {
        ViewConfig noSwap = new ViewConfig(tree.resolve("cgroup"), tree.resolve("proc"), tree.resolve("sys"), false, false, false, false);
        String m = render(new Views(noSwap), VirtualFile.PROC_MEMINFO, 136);
        assertTrue(m.contains("\nSwapTotal:             0 kB\nSwapFree:              0 kB\n"), m);
        assertEquals("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", render(new Views(noSwap), VirtualFile.PROC_SWAPS, 136));
    }

    static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
