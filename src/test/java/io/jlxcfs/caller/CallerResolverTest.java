package io.jlxcfs.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.host.ProcReader;
import io.jlxcfs.view.Fixtures;

/** Resolution over the v2 fixture's pid namespace (init 156 = NSpid "156 1", children 158/159). */
class CallerResolverTest {

    @TempDir
    Path tmp;
    Path proc;
    CallerResolver r;

    @BeforeEach
    void setUp() {
        proc = Fixtures.copy("v2", tmp).resolve("proc");
        r = new CallerResolver(new ProcReader(proc, new CgroupFs()));
    }

    @Test
    void sharedNamespaceCallerIsItsOwnView() {
        Caller c = r.resolve(136);
        assertEquals(136, c.viewPid());
        assertTrue(c.sharedNs());
        assertEquals("/kubepods.slice/pod-a/ctr-1", c.cgroups().unified());
    }

    @Test
    void nestedCallerGetsItsNamespaceInit() {
        Caller c = r.resolve(158);
        assertEquals(156, c.viewPid());
        assertEquals(964, c.startTime());
        assertEquals(156, r.resolve(156).viewPid());
        assertEquals(1, r.cachedNamespaces());
    }

    @Test
    void unknownOrGonePidIsNull() {
        assertNull(r.resolve(0));
        assertNull(r.resolve(-3));
        assertNull(r.resolve(4711));
    }

    /** A `docker exec`'d process: parent outside the namespace, so only the /proc scan finds the init. */
    @Test
    void dockerExecStyleProcessIsFoundByScan() throws IOException {
        fakeProcess(300, 0, "300\t7", "pid:[4026532198]", 5000);
        assertEquals(156, r.resolve(300).viewPid());
    }

    /** The cached init exited and its pid was reused by another process: never a stale view. */
    @Test
    void reusedInitPidIsNotTrusted() throws IOException {
        assertEquals(156, r.resolve(158).viewPid());
        Path stat = proc.resolve("156/stat");
        Files.writeString(stat, Files.readString(stat).replace(") S 151 ", ") S 151 ").replaceFirst(" 964 ", " 99999 "));
        Files.writeString(proc.resolve("156/status"), Files.readString(proc.resolve("156/status")).replace("NSpid:\t156\t1", "NSpid:\t156"));
        fakeProcess(400, 0, "400\t1", "pid:[4026532198]", 7000);
        fakeProcess(158, 400, "158\t2", "pid:[4026532198]", 7100);
        Caller c = r.resolve(158);
        assertEquals(400, c.viewPid());
        assertEquals(7000, c.startTime());
    }

    @Test
    void initScopeIsStripped() {
        CgroupPaths p = CgroupPaths.parse("4:memory:/lxc/c1/init.scope\n3:cpu,cpuacct:/lxc/c1\n0::/init.scope\n");
        assertEquals("/lxc/c1", p.path("memory", false));
        assertEquals("/lxc/c1", p.path("cpuacct", false));
        assertEquals("/", p.path("x", true));
    }

    private void fakeProcess(int pid, int ppid, String nsPid, String ns, long start) throws IOException {
        Path d = proc.resolve(Integer.toString(pid));
        Files.createDirectories(d.resolve("ns"));
        Files.writeString(d.resolve("status"), "Name:\tsh\nPid:\t" + pid + "\nPPid:\t" + ppid + "\nNSpid:\t" + nsPid + "\n");
        StringBuilder stat = new StringBuilder(pid + " (sh) S " + ppid);
        for (int f = 5; f <= 21; f++) stat.append(" 0");
        stat.append(' ').append(start).append(" 0 0\n");
        Files.writeString(d.resolve("stat"), stat);
        Files.writeString(d.resolve("cgroup"), "0::/kubepods.slice/pod-a/ctr-1\n");
        Path link = d.resolve("ns/pid");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(ns));
    }
}
