package io.jlxcfs.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.jlxcfs.vfs.VirtualFile;

/**
 * Against this host's real cgroup v1 hierarchies: creates jlxcfs-test-* cgroups below the test's own
 * cgroup, moves a `sleep` it started into them and reads its view. Cleans up also on failure.
 */
@Tag("cgroup")
class RealCgroupTest {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");
    private final List<Path> created = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();
    private final Views views = new Views(ViewConfig.defaults());

    @AfterEach
    void cleanup() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            for (int attempt = 0; attempt < 50 && Files.exists(created.get(i)); attempt++) {
                try {
                    Files.delete(created.get(i));
                } catch (IOException e) {
                    Thread.sleep(20);
                }
            }
        }
    }

    private static String ownCgroup(String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            for (String c : f[1].split(",")) {
                if (c.equals(controller)) return f[2];
            }
        }
        return null;
    }

    private Path cgroup(String controller) throws IOException {
        String own = ownCgroup(controller);
        assumeTrue(own != null && Files.isDirectory(ROOT.resolve(controller)), "no v1 " + controller + " hierarchy");
        assumeTrue(Files.isWritable(ROOT.resolve(controller + own)), "cgroup " + controller + own + " not writable (not root?)");
        Path d = ROOT.resolve(controller + own).resolve("jlxcfs-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(d);
        created.add(d);
        return d;
    }

    private int sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "60").start();
        started.add(p);
        return (int) p.pid();
    }

    private static void write(Path f, String s) throws IOException {
        Files.writeString(f, s);
    }

    private String render(VirtualFile f, int pid) {
        return new String(views.render(f, pid), StandardCharsets.ISO_8859_1);
    }

    @Test
    void memoryLimitIsMemTotal() throws IOException {
        Path mem = cgroup("memory");
        write(mem.resolve("memory.limit_in_bytes"), Long.toString(50L << 20));
        int pid = sleeper();
        write(mem.resolve("cgroup.procs"), Integer.toString(pid));
        String meminfo = render(VirtualFile.PROC_MEMINFO, pid);
        assertTrue(meminfo.startsWith("MemTotal:          51200 kB\n"), meminfo);
    }

    @Test
    void unlimitedProcessGetsHostMemTotal() throws IOException {
        int pid = sleeper();
        String host = Files.readAllLines(Path.of("/proc/meminfo")).getFirst();
        assertEquals(host, render(VirtualFile.PROC_MEMINFO, pid).lines().findFirst().orElseThrow());
    }

    @Test
    void cpusetAndQuotaLimitTheCpus() throws IOException {
        int hostCpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(hostCpus >= 2, "needs 2 CPUs");
        Path set = cgroup("cpuset");
        write(set.resolve("cpuset.cpus"), "1");
        write(set.resolve("cpuset.mems"), Files.readString(set.getParent().resolve("cpuset.mems")).trim());
        int pid = sleeper();
        write(set.resolve("cgroup.procs"), Integer.toString(pid));
        assertEquals("0\n", render(VirtualFile.SYS_CPU_ONLINE, pid));
        assertEquals(1, render(VirtualFile.PROC_CPUINFO, pid).lines().filter(l -> l.startsWith("processor")).count());
        String stat = render(VirtualFile.PROC_STAT, pid);
        assertTrue(stat.contains("\ncpu0 ") && !stat.contains("\ncpu1 "), stat);

        Path cpu = cgroup("cpu");
        write(cpu.resolve("cpu.cfs_quota_us"), "50000");
        int pid2 = sleeper();
        write(cpu.resolve("cgroup.procs"), Integer.toString(pid2));
        Views cfs = new Views(new ViewConfig(ROOT, Path.of("/proc"), Path.of("/sys"), true, true, true, false));
        assertEquals("0\n", new String(cfs.render(VirtualFile.SYS_CPU_ONLINE, pid2), StandardCharsets.ISO_8859_1));
        assertEquals(cpuList(hostCpus), render(VirtualFile.SYS_CPU_ONLINE, pid2));
    }

    @Test
    void procsRunningCountsTheCpuCgroupsRunningThreads() throws Exception {
        Path cpu = cgroup("cpu");
        int pid = sleeper();
        write(cpu.resolve("cgroup.procs"), Integer.toString(pid));
        Process busy = new ProcessBuilder("sh", "-c", "echo $$ > " + cpu.resolve("cgroup.procs")
                + " && exec sh -c '(while :; do :; done) & (while :; do :; done) & wait'").start();
        started.add(busy);
        for (int i = 0; i < 200 && Files.readAllLines(cpu.resolve("tasks")).size() < 4; i++) Thread.sleep(20);
        assertEquals(4, Files.readAllLines(cpu.resolve("tasks")).size(), "sleep, sh and two loops");
        String stat = render(VirtualFile.PROC_STAT, pid);
        assertTrue(stat.contains("\nprocs_running 2\n"), "the two loops, not the host's count:\n" + stat);
        assertTrue(stat.contains("\nprocs_blocked 0\n"), stat);
    }

    private static String cpuList(int n) {
        return (n == 1 ? "0" : "0-" + (n - 1)) + "\n";
    }

    @Test
    void neverThrowsForUnknownDeadOrRemoved() throws Exception {
        for (VirtualFile f : VirtualFile.values()) {
            assertTrue(views.render(f, 0).length > 0 || f.name().startsWith("PROC_PRESSURE"), f.name());
        }
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        int dead = (int) p.pid();
        byte[] host = Files.readAllBytes(Path.of("/proc/meminfo"));
        assertEquals(new String(host).lines().findFirst(), render(VirtualFile.PROC_MEMINFO, dead).lines().findFirst());

        Path mem = cgroup("memory");
        write(mem.resolve("memory.limit_in_bytes"), Long.toString(64L << 20));
        int pid = sleeper();
        write(mem.resolve("cgroup.procs"), Integer.toString(pid));
        started.getLast().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        Files.delete(mem);
        created.remove(mem);
        for (VirtualFile f : VirtualFile.values()) views.render(f, pid);
    }
}
