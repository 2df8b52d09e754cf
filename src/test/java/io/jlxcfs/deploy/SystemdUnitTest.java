package io.jlxcfs.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/systemd/jlxcfs.service is valid, keeps the mount visible on the host, and its stop helper decides right. */
class SystemdUnitTest {

    private static final Path UNIT = Repo.top().resolve("deploy/systemd/jlxcfs.service");
    private static final Path STOP_POST = Repo.top().resolve("deploy/systemd/jlxcfs-stop-post");

    @TempDir
    Path tmp;

    record Run(int rc, String out, String err) {
    }

    private static Run exec(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String e = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, e);
    }

    private static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }

    /** key -> values (a key may repeat) of the [Service] and [Unit] sections. */
    private static Map<String, List<String>> keys() throws IOException {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String l : Files.readAllLines(UNIT)) {
            if (l.isBlank() || l.startsWith("#") || l.startsWith("[")) continue;
            int eq = l.indexOf('=');
            m.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return m;
    }

    @Test
    void systemdAnalyzeVerifiesItWithoutWarnings() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed");
        Path bin = tmp.resolve("bin");
        Files.createDirectories(bin);
        Path launcher = bin.resolve("jlxcfs");
        Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path helper = bin.resolve("jlxcfs-stop-post");
        Files.copy(STOP_POST, helper);
        String unit = Files.readString(UNIT).replace("/usr/local/bin/jlxcfs", launcher.toString())
                .replace("/usr/local/lib/jlxcfs/jlxcfs-stop-post", helper.toString());
        Path copy = tmp.resolve("jlxcfs.service");
        Files.writeString(copy, unit);
        Run r = exec(Map.of(), "systemd-analyze", "verify", "--man=no", copy.toString());
        assertEquals(0, r.rc(), r.err());
        List<String> aboutUs = r.err().lines().filter(l -> l.contains("jlxcfs")).toList();
        assertEquals(List.of(), aboutUs, "systemd-analyze complained:\n" + r.err());
    }

    @Test
    void theServiceIsANotifyServiceWithAnFdStore() throws IOException {
        Map<String, List<String>> k = keys();
        assertEquals(List.of("notify"), k.get("Type"));
        assertEquals(List.of("main"), k.get("NotifyAccess"));
        assertEquals(List.of("4"), k.get("FileDescriptorStoreMax"));
        assertEquals(List.of("on-failure"), k.get("Restart"));
        assertEquals(List.of("143"), k.get("SuccessExitStatus"), "the JVM exits 143 on SIGTERM");
        assertEquals(List.of("/usr/local/bin/jlxcfs --pidfile /run/jlxcfs.pid /var/lib/lxcfs"), k.get("ExecStart"));
        // "-": a container that could not be rebound must not fail the whole service
        assertEquals(List.of("-/usr/local/bin/jlxcfs remount /var/lib/lxcfs"), k.get("ExecStartPost"));
        assertEquals(List.of("/bin/kill -USR1 $MAINPID"), k.get("ExecReload"));
        assertEquals(List.of("30"), k.get("WatchdogSec"));
        assertEquals(List.of("-1000"), k.get("OOMScoreAdjust"));
        assertTrue(k.get("DeviceAllow").contains("/dev/fuse rw"));
        for (String cap : List.of("CAP_SYS_ADMIN", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE")) {
            assertTrue(k.get("CapabilityBoundingSet").getFirst().contains(cap), cap + " (mount, setns into containers)");
        }
    }

    /** Any of these runs the service in its own mount namespace: the FUSE mount would not reach the host. */
    @Test
    void nothingPutsTheServiceInItsOwnMountNamespace() throws IOException {
        Map<String, List<String>> k = keys();
        for (String key : List.of("ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateMounts",
                "MountFlags", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups",
                "ProtectHostname", "ProtectProc", "ProcSubset", "ReadOnlyPaths", "ReadWritePaths", "InaccessiblePaths",
                "TemporaryFileSystem", "BindPaths", "BindReadOnlyPaths", "RootDirectory", "RootImage", "PrivateUsers",
                "DynamicUser", "MemoryDenyWriteExecute")) {
            assertFalse(k.containsKey(key), key);
        }
    }

    // --- the ExecStopPost helper, with a fake systemctl and umount on PATH ---

    private Run stopPost(String jobType, String serviceResult, boolean mounted, String... args) throws Exception {
        return stopPostAt("/var/lib/lxcfs", jobType, serviceResult, mounted, args);
    }

    private Run stopPostAt(String mnt, String jobType, String serviceResult, boolean mounted, String... args) throws Exception {
        Path bin = tmp.resolve("fakebin");
        Files.createDirectories(bin);
        Path log = tmp.resolve("umount.log");
        script(bin.resolve("systemctl"), """
                #!/bin/sh
                case "$1" in
                  list-jobs) [ -n "%s" ] && echo "42 jlxcfs.service %s running" ;;
                  show) echo 0 ;;
                esac
                exit 0
                """.formatted(jobType, jobType));
        script(bin.resolve("umount"), "#!/bin/sh\necho \"umount $*\" >> " + log + "\n");
        Path mi = tmp.resolve("mountinfo");
        Files.writeString(mi, "22 1 0:20 / /proc rw,relatime - proc proc rw\n"
                + (mounted ? "90 22 0:55 / " + mnt + " rw,nosuid,nodev,relatime - fuse.jlxcfs jlxcfs rw,user_id=0,group_id=0,allow_other\n" : ""));
        Files.deleteIfExists(log);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", bin + ":" + System.getenv("PATH"));
        env.put("JLXCFS_MOUNTINFO", mi.toString());
        if (serviceResult != null) env.put("SERVICE_RESULT", serviceResult);
        List<String> cmd = new ArrayList<>(List.of("sh", STOP_POST.toString()));
        cmd.addAll(List.of(args));
        Run r = exec(env, cmd.toArray(String[]::new));
        assertEquals(0, r.rc(), r.err());
        String umounts = Files.exists(log) ? Files.readString(log) : "";
        return new Run(r.rc(), umounts, r.err());
    }

    private static void script(Path p, String text) throws IOException {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void stopPostUnmountsOnlyWhenTheServiceReallyStops() throws Exception {
        assertEquals("umount -l /var/lib/lxcfs\n", stopPost("stop", "success", true).out(), "systemctl stop");
        assertEquals("umount -l /var/lib/lxcfs\n", stopPost("stop", "exit-code", true).out(), "a failing daemon stopped by systemctl stop");
        assertEquals("umount -l /var/lib/lxcfs\n", stopPost("", "success", true).out(), "clean exit: on-failure does not restart");
        assertEquals("", stopPost("", "signal", true).out(), "crash: systemd restarts it, the fd store keeps the connection");
        assertEquals("", stopPost("", "watchdog", true).out(), "watchdog kill: restart");
        assertEquals("", stopPost("", "exit-code", true).out(), "failure exit: restart");
        assertEquals("", stopPost("restart", "success", true).out(), "systemctl restart");
        assertEquals("", stopPost("stop", "success", false).out(), "nothing mounted");
        assertTrue(stopPost("", "signal", true).err().contains("keeping /var/lib/lxcfs mounted"));
    }

    @Test
    void clearStaleRemovesOnlyADeadMountNobodyWillServe() throws Exception {
        // a path that does not exist: stat fails as on a dead FUSE mount (ENOTCONN)
        String dead = tmp.resolve("dead").toString();
        assertEquals("umount -l " + dead + "\n", stopPostAt(dead, "", null, true, "--clear-stale", dead).out());
        assertEquals("", stopPostAt(dead, "", null, false, "--clear-stale", dead).out(), "not mounted");
        String alive = tmp.toString(); // stat works: a live mount is left alone
        assertEquals("", stopPostAt(alive, "", null, true, "--clear-stale", alive).out());
    }
}
