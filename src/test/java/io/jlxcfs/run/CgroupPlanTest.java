package io.jlxcfs.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.jlxcfs.run.CgroupPlan.CopyFromParent;
import io.jlxcfs.run.CgroupPlan.EnableControllers;
import io.jlxcfs.run.CgroupPlan.Mkdir;
import io.jlxcfs.run.CgroupPlan.Write;

/** The cgroup plan for both layouts, from captured mountinfo and /proc/self/cgroup. */
class CgroupPlanTest {

    static String resource(String name) throws IOException {
        try (InputStream in = CgroupPlanTest.class.getResourceAsStream("/run/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static CgroupHost v1() throws IOException {
        return CgroupHost.parse(resource("v1-hybrid-mountinfo"), resource("v1-hybrid-cgroup"));
    }

    static CgroupHost v2() throws IOException {
        return CgroupHost.parse(resource("v2-mountinfo"), resource("v2-cgroup"));
    }

    @Test
    void parsesTheHybridHost() throws IOException {
        CgroupHost h = v1();
        assertTrue(h.isV1());
        assertEquals(Path.of("/sys/fs/cgroup/memory/process_api/abc"), h.find("memory").orElseThrow().ownDir());
        assertEquals(Path.of("/sys/fs/cgroup/cpu"), h.find("cpu").orElseThrow().ownDir());
        assertEquals(Path.of("/sys/fs/cgroup/unified"), h.unified().orElseThrow().ownDir());
    }

    @Test
    void parsesPureV2() throws IOException {
        CgroupHost h = v2();
        assertTrue(!h.isV1());
        assertEquals(Path.of("/sys/fs/cgroup"), h.unified().orElseThrow().ownDir());
    }

    @Test
    void comountedControllersAndCgroupNamespaceRoots() {
        String mi = "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                + "31 25 0:28 /lxc/c1 /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
        String cg = "3:cpu,cpuacct:/a\n2:memory:/lxc/c1/inner\n1:name=systemd:/x\n";
        CgroupHost h = CgroupHost.parse(mi, cg);
        assertEquals(Set.of("cpu", "cpuacct"), h.find("cpuacct").orElseThrow().controllers());
        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/a"), h.find("cpu").orElseThrow().ownDir());
        assertEquals(Path.of("/sys/fs/cgroup/memory/inner"), h.find("memory").orElseThrow().ownDir());
    }

    @Test
    void v1PlanSetsCpusetBeforeAnythingJoinsAndMemoryBeforeMemsw() throws IOException {
        RunLimits l = RunLimits.of("256M", "512M", "1.5", "0", "100");
        CgroupPlan p = CgroupPlan.plan(v1(), l, "c");
        Path mem = Path.of("/sys/fs/cgroup/memory/process_api/abc/c");
        Path cpuset = Path.of("/sys/fs/cgroup/cpuset/c");
        assertEquals(List.of(Path.of("/sys/fs/cgroup/cpu/c"), Path.of("/sys/fs/cgroup/cpuacct/c"), cpuset, mem,
                Path.of("/sys/fs/cgroup/blkio/c"), Path.of("/sys/fs/cgroup/pids/c")), p.dirs());
        List<CgroupPlan.Step> s = p.steps();
        int mkCpuset = s.indexOf(new Mkdir(cpuset));
        assertEquals(new CopyFromParent(cpuset, "cpuset.mems"), s.get(mkCpuset + 1));
        assertEquals(new Write(cpuset.resolve("cpuset.cpus"), "0", false), s.get(mkCpuset + 2));
        int limit = s.indexOf(new Write(mem.resolve("memory.limit_in_bytes"), "268435456", false));
        int memsw = s.indexOf(new Write(mem.resolve("memory.memsw.limit_in_bytes"), "536870912", true));
        assertTrue(limit >= 0 && memsw > limit);
        assertTrue(s.contains(new Write(Path.of("/sys/fs/cgroup/cpu/c/cpu.cfs_quota_us"), "150000", false)));
        assertTrue(s.contains(new Write(Path.of("/sys/fs/cgroup/cpu/c/cpu.cfs_period_us"), "100000", false)));
        assertTrue(s.contains(new Write(Path.of("/sys/fs/cgroup/pids/c/pids.max"), "100", false)));
    }

    @Test
    void v1PlanWithoutCpusetCopiesTheParentsCpus() throws IOException {
        CgroupPlan p = CgroupPlan.plan(v1(), RunLimits.none(), "c");
        assertTrue(p.steps().contains(new CopyFromParent(Path.of("/sys/fs/cgroup/cpuset/c"), "cpuset.cpus")));
        assertTrue(p.steps().stream().noneMatch(s -> s instanceof Write));
    }

    @Test
    void v2PlanEnablesControllersThenWritesLimits() throws IOException {
        CgroupPlan p = CgroupPlan.plan(v2(), RunLimits.of("1g", "-1", "0.5", "0-1", null), "c");
        Path d = Path.of("/sys/fs/cgroup/c");
        assertEquals(List.of(d), p.dirs());
        assertEquals(List.of(
                new EnableControllers(Path.of("/sys/fs/cgroup"), CgroupPlan.V2_CONTROLLERS),
                new Mkdir(d),
                new Write(d.resolve("memory.max"), "1073741824", false),
                new Write(d.resolve("memory.swap.max"), "max", true),
                new Write(d.resolve("cpu.max"), "50000 100000", false),
                new Write(d.resolve("cpuset.cpus"), "0-1", false)), p.steps());
    }

    @Test
    void v2SwapIsTheTotalLessMemory() {
        RunLimits l = RunLimits.of("256M", "384M", null, null, null);
        assertEquals(Long.toString(128L << 20), CgroupPlan.v2Swap(l, l.memSwapBytes().getAsLong()));
    }

    @Test
    void limitsFollowDocker() {
        assertEquals(512L << 20, RunLimits.of("256M", null, null, null, null).memSwapBytes().getAsLong());
        assertEquals(256L << 20, RunLimits.of("256m", "256M", null, null, null).memSwapBytes().getAsLong());
        assertEquals(-1, RunLimits.of("256M", "-1", null, null, null).memSwapBytes().getAsLong());
        assertEquals(150000, RunLimits.of(null, null, "1.5", null, null).cfsQuotaMicros().getAsLong());
        assertEquals(100000, RunLimits.of(null, null, "1", null, null).cfsQuotaMicros().getAsLong());
        assertEquals(65536, RunLimits.parseSize("65536"));
        assertEquals(2L << 30, RunLimits.parseSize("2GiB"));
        assertEquals(1L << 20, RunLimits.parseSize("1mb"));
        assertThrows(IllegalArgumentException.class, () -> RunLimits.of(null, "1G", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> RunLimits.of("1G", "512M", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> RunLimits.of(null, null, "0", null, null));
        assertThrows(IllegalArgumentException.class, () -> RunLimits.of(null, null, null, "all", null));
        assertThrows(IllegalArgumentException.class, () -> RunLimits.parseSize("lots"));
    }

    @Test
    void bindsOnlyWhatExistsOnBothSides() {
        Path root = Path.of("/r");
        Set<Path> exist = Set.of(Path.of("/r/proc/meminfo"), Path.of("/proc/meminfo"), Path.of("/r/proc/pressure/irq"),
                Path.of("/proc/uptime"), Path.of("/r/sys/devices/system/cpu/online"), Path.of("/sys/devices/system/cpu/online"));
        assertEquals(List.of(new BindPlan.Bind(Path.of("/r/proc/meminfo"), Path.of("/proc/meminfo")),
                new BindPlan.Bind(Path.of("/r/sys/devices/system/cpu/online"), Path.of("/sys/devices/system/cpu/online"))),
                BindPlan.binds(root, Path.of("/"), exist::contains));
    }
}
