package io.jlxcfs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.daemon.Main;

/** jlxcfs run against the real cgroups and namespaces of this host (root, cgroup v1 hybrid). */
@Tag("cgroup")
class RunIT {

    private static final AtomicInteger N = new AtomicInteger();

    @TempDir
    Path tmp;

    private final String name = "jlxcfs-test-run-" + ProcessHandle.current().pid() + "-" + N.incrementAndGet();
    private CgroupPlan lastPlan;

    /** Runs CMD with the given limits; returns exit code and stdout. */
    private Result run(RunLimits limits, Path root, String... cmd) throws Exception {
        Path out = tmp.resolve("out-" + N.incrementAndGet());
        ContainerRun.Spec spec = new ContainerRun.Spec(limits, root, name, List.of(cmd), Duration.ofSeconds(2),
                List.of(ProcessBuilder.Redirect.PIPE, ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.INHERIT));
        ContainerRun r = new ContainerRun(spec, CgroupHost.read());
        lastPlan = r.plan();
        int rc = r.run();
        return new Result(rc, Files.readString(out));
    }

    record Result(int rc, String out) {
    }

    @AfterEach
    void noCgroupsLeft() throws IOException {
        if (lastPlan == null) return;
        List<Path> left = lastPlan.dirs().stream().filter(Files::exists).toList();
        for (Path d : left.reversed()) Files.delete(d); // clean up before failing, for the machine's sake
        if (!left.isEmpty()) throw new AssertionError("cgroups left behind: " + left);
    }

    @Test
    void commandRunsInFreshCgroupsBelowOurOwn() throws Exception {
        Result r = run(RunLimits.none(), tmp, "cat", "/proc/self/cgroup");
        assertEquals(0, r.rc());
        String ownMemory = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                .filter(l -> l.split(":")[1].equals("memory")).findFirst().orElseThrow().split(":", 3)[2];
        String expectMemory = (ownMemory.equals("/") ? "" : ownMemory) + "/" + name;
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(":memory:" + expectMemory)), r.out());
        for (String ctl : List.of("cpu", "cpuacct", "cpuset", "pids", "blkio")) {
            assertTrue(r.out().lines().anyMatch(l -> l.split(":")[1].equals(ctl) && l.endsWith("/" + name)), ctl + " in\n" + r.out());
        }
        assertTrue(r.out().lines().anyMatch(l -> l.endsWith(":devices:/")), "devices stays in the caller's cgroup\n" + r.out());
    }

    @Test
    void exitCodeIsTheCommands() throws Exception {
        assertEquals(7, run(RunLimits.none(), tmp, "sh", "-c", "exit 7").rc());
    }

    @Test
    void commandLineReturnsTheExitCodeAndRejectsBadLimits() {
        assertEquals(7, Main.run("run", "--name", name, "--root", tmp.toString(), "--", "sh", "-c", "exit 7"));
        assertEquals(ContainerRun.SETUP_FAILED, Main.run("run", "--name", name, "--cpus", "0", "--", "true"));
    }

    @Test
    void limitsAreVisibleFromInside() throws Exception {
        String script = """
                m=$(grep ':memory:' /proc/self/cgroup | cut -d: -f3)
                c=$(grep ':cpu:' /proc/self/cgroup | cut -d: -f3)
                s=$(grep ':cpuset:' /proc/self/cgroup | cut -d: -f3)
                echo mem=$(cat /sys/fs/cgroup/memory$m/memory.limit_in_bytes)
                echo memsw=$(cat /sys/fs/cgroup/memory$m/memory.memsw.limit_in_bytes 2>/dev/null || echo none)
                echo quota=$(cat /sys/fs/cgroup/cpu$c/cpu.cfs_quota_us) period=$(cat /sys/fs/cgroup/cpu$c/cpu.cfs_period_us)
                echo cpus=$(cat /sys/fs/cgroup/cpuset$s/cpuset.cpus)
                echo pid=$$ host=$(hostname)
                """;
        Result r = run(RunLimits.of("256M", "384M", "1.5", "0", null), tmp, "sh", "-c", script);
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().contains("mem=268435456\n"), r.out());
        if (!r.out().contains("memsw=none")) assertTrue(r.out().contains("memsw=402653184\n"), r.out());
        assertTrue(r.out().contains("quota=150000 period=100000\n"), r.out());
        assertTrue(r.out().contains("cpus=0\n"), r.out());
        assertTrue(r.out().contains("pid=1 "), "the command is pid 1 of a new pid namespace\n" + r.out());
    }

    @Test
    void jlxcfsFilesAreBindMountedInsideOnly() throws Exception {
        Path root = tmp.resolve("fake-lxcfs");
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("sys/devices/system/cpu"));
        String marker = "MemTotal: 42 kB jlxcfs-marker-" + name;
        Files.writeString(root.resolve("proc/meminfo"), marker + "\n");
        Files.writeString(root.resolve("sys/devices/system/cpu/online"), "0\n");
        Result r = run(RunLimits.none(), root, "sh", "-c", "cat /proc/meminfo; cat /sys/devices/system/cpu/online; grep -c . /proc/self/mountinfo");
        assertEquals(0, r.rc(), r.out());
        assertTrue(r.out().startsWith(marker + "\n0\n"), r.out());
        assertFalse(Files.readString(Path.of("/proc/meminfo")).contains("jlxcfs-marker"));
        String hostMounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(hostMounts.contains(root.toString()), "the container's mounts leaked:\n" + hostMounts);
    }

    @Test
    void sigtermOfTheJvmStopsTheContainerAndRemovesItsCgroups() throws Exception {
        // a second JVM runs `jlxcfs run -- sleep 60`; SIGTERM to it must leave nothing behind
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--name", name, "--stop-timeout", "1", "--root", tmp.toString(), "--", "sleep", "60")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            CgroupPlan plan = CgroupPlan.plan(CgroupHost.read(), RunLimits.none(), name);
            lastPlan = plan;
            Path procs = plan.dirs().getFirst().resolve("cgroup.procs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!(Files.exists(procs) && !Files.readString(procs).isBlank()) && System.nanoTime() < deadline) Thread.sleep(50);
            assertFalse(Files.readString(procs).isBlank(), "the container never started");
            long sleeper = Long.parseLong(Files.readString(procs).strip().lines().findFirst().orElseThrow());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(15, TimeUnit.SECONDS), "jlxcfs run did not stop");
            assertEquals(143, p.exitValue());
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // a killed pid 1 may linger as a zombie briefly
            while (ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < gone) Thread.sleep(20);
            assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "the command survived");
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor();
        }
    }
}
