package io.jlxcfs.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.jlxcfs.testing.DaemonProcess;
import io.jlxcfs.testing.Exec;

/**
 * Real monitoring clients inside {@code jlxcfs run --memory 256M --cpus 1 --cpuset 0} against a
 * live jlxcfs mount (one daemon with {@code -l}), each checked on what it prints. What a client
 * takes from somewhere jlxcfs does not virtualise (sysinfo(2), /sys/devices/system/cpu/cpuN) is
 * asserted as it is and listed in docs/proof.md.
 */
@Tag("cgroup")
class ClientsIT {

    static final long MIB256 = 256L << 20;
    private static final AtomicInteger N = new AtomicInteger();

    static DaemonProcess d;

    private final String name = "jlxcfs-test-clients-" + ProcessHandle.current().pid() + "-" + N.incrementAndGet();

    @BeforeAll
    static void mount() throws Exception {
        d = DaemonProcess.start("-l");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (d != null) d.close();
    }

    /** jlxcfs run removes its cgroups; if a failure left one behind, remove it and fail. */
    @AfterEach
    void noCgroupsLeft() throws IOException {
        List<Path> left = new ArrayList<>();
        for (Path p : cgroupDirs(name)) {
            if (Files.isDirectory(p)) {
                left.add(p);
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // still has tasks: reported below
                }
            }
        }
        assertTrue(left.isEmpty(), "cgroups left behind: " + left);
    }

    /** Where {@code jlxcfs run --name NAME} puts its cgroups: below ours in every hierarchy. */
    static List<Path> cgroupDirs(String name) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || f[1].startsWith("name=")) continue;
            String ctl = f[1].isEmpty() ? "unified" : f[1];
            Path base = Path.of("/sys/fs/cgroup", ctl);
            if (!Files.isDirectory(base)) continue;
            out.add(base.resolve(f[2].substring(1)).resolve(name));
        }
        return out;
    }

    /** Runs {@code sh -c script} in the container-like process; asserts exit 0; returns its output. */
    String run(String script) throws Exception {
        List<String> cmd = new ArrayList<>(DaemonProcess.javaCommand());
        cmd.addAll(List.of("run", "--name", name, "--root", d.mountpoint().toString(),
                "--memory", "256M", "--cpus", "1", "--cpuset", "0", "--", "sh", "-c", script));
        Exec.Result r = Exec.run(cmd);
        assertEquals(0, r.exit(), script + " ->\n" + r.out() + "\ndaemon log:\n" + d.log());
        return r.out();
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + out));
    }

    static String[] fields(String line) {
        return line.trim().split("\\s+");
    }

    static double group(String regex, String out) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " in\n" + out);
        return Double.parseDouble(m.group(1));
    }

    static long hostMeminfoKb(String key) throws IOException {
        return Long.parseLong(fields(line(Files.readString(Path.of("/proc/meminfo")), key + ":"))[1]);
    }

    @Test
    void freeShows256MiBAndNoSwap() throws Exception {
        String out = run("free -m");
        String[] mem = fields(line(out, "Mem:"));
        assertEquals("256", mem[1], out);
        assertTrue(Long.parseLong(mem[3]) <= 256 && Long.parseLong(mem[6]) <= 256, out);
        // the host has no swap: SwapTotal is capped by the host's (lxcfs does the same)
        assertEquals("0", fields(line(out, "Swap:"))[1], out);
    }

    @Test
    void topShowsContainerMemoryUptimeAndLoad() throws Exception {
        String out = run("top -bn1 | head -5");
        assertEquals(256.0, group("MiB Mem :\\s+([0-9.]+) total", out), out);
        assertEquals(0.0, group("MiB Swap:\\s+([0-9.]+) total", out), out);
        assertTrue(out.matches("(?s)top - \\S+ up\\s+[01] min,.*"), "fresh pid namespace: up 0 min\n" + out);
        assertTrue(out.contains("load average: 0.00, 0.00, 0.00"), "idle fresh cgroup\n" + out);
    }

    @Test
    void uptimeIsThatOfTheRunsPidNamespace() throws Exception {
        double host = Double.parseDouble(fields(Files.readString(Path.of("/proc/uptime")))[0]);
        String out = run("cat /proc/uptime; uptime");
        double mine = Double.parseDouble(fields(out.lines().findFirst().orElseThrow())[0]);
        assertTrue(mine >= 0 && mine < 30, out);
        assertTrue(host > 60, "host uptime " + host + " too small to tell the two apart");
        assertTrue(Pattern.compile("up\\s+[01] min,\\s+\\d+ users?,\\s+load average: \\d+\\.\\d\\d, \\d+\\.\\d\\d, \\d+\\.\\d\\d")
                .matcher(out).find(), out);
    }

    @Test
    void vmstatMemoryColumnsFitIn256MiB() throws Exception {
        String out = run("vmstat 1 2");
        List<String> rows = out.lines().filter(l -> l.trim().matches("[0-9].*")).toList();
        assertEquals(2, rows.size(), out);
        for (String r : rows) {
            String[] f = fields(r);
            long swpd = Long.parseLong(f[2]), free = Long.parseLong(f[3]), buff = Long.parseLong(f[4]), cache = Long.parseLong(f[5]);
            assertEquals(0, swpd, out);
            assertTrue(free > 0 && free + buff + cache <= 262144, "free+buff+cache <= 256 MiB in kB: " + r);
        }
    }

    @Test
    void cpuCountsAreOne() throws Exception {
        String out = run("getconf _NPROCESSORS_ONLN; nproc; cat /sys/devices/system/cpu/online");
        assertEquals(List.of("1", "1", "0"), out.lines().toList(), out);
    }

    @Test
    void lscpuOnlineListIsTheCpuset() throws Exception {
        String out = run("lscpu");
        assertEquals("0", fields(line(out, "On-line CPU(s) list:"))[3], out);
        // CPU(s) counts /sys/devices/system/cpu/cpuN (passed through, as lxcfs does): the host's count
        int hostCpus = Runtime.getRuntime().availableProcessors();
        assertEquals(String.valueOf(hostCpus), fields(line(out, "CPU(s):"))[1], out);
        if (hostCpus > 1) assertTrue(out.contains("Off-line CPU(s) list:"), out);
    }

    @Test
    void mpstatReportsOnlyCpuZero() throws Exception {
        String out = run("mpstat -P ALL 1 1");
        List<String> cpus = out.lines().filter(l -> l.startsWith("Average:")).map(l -> fields(l)[1]).toList();
        assertEquals(List.of("CPU", "all", "0"), cpus, out);
    }

    @Test
    void psutilSeesTheLimits() throws Exception {
        String out = run("/usr/bin/python3 -c 'import psutil; print(psutil.virtual_memory().total, psutil.cpu_count(), "
                + "len(psutil.cpu_percent(percpu=True)), psutil.swap_memory().total)'");
        assertEquals(MIB256 + " 1 1 0", out.trim(), out);
    }

    @Test
    void nodeSeesTheLimitsAndAModelName() throws Exception {
        String out = run("node -e 'const os=require(\"os\"); console.log([os.totalmem(), os.cpus().length, "
                + "JSON.stringify(os.cpus()[0].model), os.availableParallelism(), os.uptime() < 30].join(\"|\"))'");
        String[] f = out.trim().split("\\|");
        assertEquals(String.valueOf(MIB256), f[0], "libuv reads MemTotal from /proc/meminfo: " + out);
        assertEquals("1", f[1], out);
        assertNotEquals("\"unknown\"", f[2], "cpuinfo numbering gives node a model name: " + out);
        assertTrue(f[2].length() > 2, out);
        assertEquals("1", f[3], out);
        assertEquals("true", f[4], out);
    }

    @Test
    void busyboxFreeUsesSysinfoForTotalButMeminfoForAvailable() throws Exception {
        String out = run("busybox free");
        String[] mem = fields(line(out, "Mem:"));
        long hostTotal = hostMeminfoKb("MemTotal");
        // sysinfo(2) is not virtualised (by lxcfs either): total/used/free are the host's
        assertEquals(hostTotal, Long.parseLong(mem[1]), out);
        // busybox reads MemAvailable from /proc/meminfo: the container's
        assertTrue(Long.parseLong(mem[6]) <= 262144, out);
    }

    /** busybox cat copies with sendfile(2): through the page cache, a file of st_size 0 reads as empty. */
    @Test
    void busyboxCatUsesSendfile() throws Exception {
        String out = run("busybox cat /proc/meminfo");
        assertTrue(out.startsWith("MemTotal:") && out.contains("SwapTotal:"), out);
    }

    @Test
    void jvmSmokeTest() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String out = run(java + " -Xshare:auto " + resource("Cpus.java"));
        assertTrue(out.contains("availableProcessors=1"), out);
        long max = Long.parseLong(out.lines().filter(l -> l.startsWith("maxMemory=")).findFirst().orElseThrow().substring(10));
        assertTrue(max <= MIB256, "heap ergonomics from the cgroup limit: " + out);
    }

    @Test
    void loadAverageRisesWithABusyLoop() throws Exception {
        // first read registers the cgroup with the sampler; two 5 s sampling ticks later a spinner gives ~0.15
        String out = run("cat /proc/loadavg; sh -c 'while :; do :; done' & sleep 11; cat /proc/loadavg; uptime; top -bn1 | head -1; kill $!");
        List<String> l = out.lines().toList();
        assertTrue(l.get(0).startsWith("0.00 0.00 0.00 "), out);
        double one = Double.parseDouble(fields(l.get(1))[0]);
        assertTrue(one >= 0.05 && one < 0.5, "1-min load after ~2 ticks of one spinner: " + out);
        assertTrue(fields(l.get(1))[3].matches("[1-3]/[2-9]"), "running/total of the run's cgroup: " + out);
        // uptime and top print /proc/loadavg; a 5 s tick may fall between the reads, and the load only rises
        for (String client : List.of(l.get(2), l.get(3))) {
            double c = group("load average: ([0-9.]+),", client);
            assertTrue(c >= one && c < 0.5, client + "\n" + out);
        }
    }

    @Test
    void diskClientsShowOnlyTheDeviceTheContainerRead() throws Exception {
        Path file = Files.createTempFile(Path.of("/var/tmp"), "jlxcfs-test-dd-", ".bin");
        try {
            String dev = wholeDisk(file);
            Exec.run("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=8", "conv=fsync", "status=none");
            String out = run("cat /proc/diskstats; echo ==1; "
                    + "cg=$(grep :blkio: /proc/self/cgroup | cut -d: -f3); "
                    // blk-throttle only counts once a rule exists on the queue: one nobody reaches
                    + "echo '" + dev + " 107374182400' > /sys/fs/cgroup/blkio$cg/blkio.throttle.read_bps_device; "
                    + "dd if=" + file + " of=/dev/null bs=1M count=8 iflag=direct status=none; "
                    + "cat /proc/diskstats; echo ==2; iostat -p ALL; echo ==3; sar -d 1 1; echo ==4; vmstat -d");
            String[] parts = out.split("==\\d\n");
            assertEquals(5, parts.length, out);
            assertEquals("", parts[0].trim(), "nothing touched yet: no devices\n" + out);
            String name = diskName(dev);
            List<String> ds = parts[1].lines().toList();
            assertEquals(1, ds.size(), out);
            String[] f = fields(ds.get(0));
            assertEquals(name, f[2], out);
            assertTrue(Long.parseLong(f[3]) >= 8 && Long.parseLong(f[5]) >= 16384, "8 x 1 MiB direct reads: " + out);
            List<String> iostat = devices(parts[2], "Device");
            assertEquals(List.of(name), iostat, "iostat -p ALL:\n" + parts[2]);
            List<String> sar = parts[3].lines().filter(l -> l.startsWith("Average:")).map(l -> fields(l)[1]).toList();
            assertEquals(List.of(name), sar, "sar -d:\n" + parts[3]);
            List<String> vm = parts[4].lines().skip(2).map(l -> fields(l)[0]).toList();
            assertEquals(List.of(name), vm, "vmstat -d:\n" + parts[4]);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Device names of an iostat table after its header line starting with {@code header}. */
    static List<String> devices(String out, String header) {
        List<String> names = new ArrayList<>();
        boolean in = false;
        for (String l : out.lines().toList()) {
            if (l.startsWith(header)) in = true;
            else if (in && l.isBlank()) in = false;
            else if (in) names.add(fields(l)[0]);
        }
        return names;
    }

    /** "major:minor" of the whole disk holding {@code file} (partitions resolve to their parent). */
    static String wholeDisk(Path file) throws Exception {
        String mm = Exec.run("stat", "-c", "%d", file.toString()).out().trim();
        long dev = Long.parseLong(mm);
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        Path sys = Path.of("/sys/dev/block/" + major + ":" + minor).toRealPath();
        if (Files.exists(sys.resolve("partition"))) sys = sys.getParent();
        return Files.readString(sys.resolve("dev")).trim();
    }

    static String diskName(String majMin) throws IOException {
        return Path.of("/sys/dev/block/" + majMin).toRealPath().getFileName().toString();
    }

    static String resource(String name) {
        try {
            return Path.of(ClientsIT.class.getResource("/clients/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
