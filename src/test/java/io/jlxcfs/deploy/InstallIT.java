package io.jlxcfs.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/install into a staging root (after `package`, so the jar is there), then scripts/uninstall. */
class InstallIT {

    @TempDir
    Path stage;

    private static String run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }

    @Test
    void installsIntoAStagingRootAndTheLauncherRuns() throws Exception {
        Path top = Repo.top();
        run(Map.of(), top.resolve("scripts/install").toString(), "--no-build", "--dest", stage.toString());
        Path jar = stage.resolve("usr/local/lib/jlxcfs/jlxcfs.jar");
        Path launcher = stage.resolve("usr/local/bin/jlxcfs");
        Path helper = stage.resolve("usr/local/lib/jlxcfs/jlxcfs-stop-post");
        Path unit = stage.resolve("etc/systemd/system/jlxcfs.service");
        assertEquals(Files.size(top.resolve("src/target/jlxcfs.jar")), Files.size(jar));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher)));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(helper)));
        assertEquals(Files.readString(top.resolve("deploy/systemd/jlxcfs.service")), Files.readString(unit),
                "the default prefix leaves the unit as it is");
        String script = Files.readString(launcher);
        assertTrue(script.contains("--enable-native-access=ALL-UNNAMED"), script);
        assertTrue(script.contains("-XX:+UseSerialGC") && script.contains("-Xmx") && script.contains("MALLOC_ARENA_MAX"), "small-footprint flags:\n" + script);
        assertTrue(script.contains("exec "), "exec keeps the pid for systemd");
        assertTrue(script.contains("export _JAVA_SR_SIGNUM="), "the JVM's suspend signal off SIGUSR2:\n" + script);
        assertTrue(script.contains("-XX:CompileThreshold=2000"), "the daemon's miss paths compile after 2,000 calls:\n" + script);

        String version = run(Map.of(), launcher.toString(), "--version");
        assertTrue(version.startsWith("jlxcfs "), version);
        // the daemon's flags reach the JVM as words, their shell quoting undone
        String flagsSeen = run(Map.of("JLXCFS_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), launcher.toString(), "--version");
        assertTrue(flagsSeen.contains(" -XX:CompileCommand=dontinline,io.jlxcfs.view.Views::* ")
                && flagsSeen.contains("-XX:CompileThreshold=2000"), flagsSeen);
        String subcommand = run(Map.of("JLXCFS_JAVA_OPTS", "-XX:+PrintCommandLineFlags"), launcher.toString(), "stats", "--help");
        assertFalse(subcommand.contains("CompileCommand"), "subcommands keep the JIT's defaults:\n" + subcommand);
        // and with no JAVA_HOME at all, it finds a Java >= 25 by itself
        String bare = run(Map.of("JAVA_HOME", "", "PATH", "/usr/bin:/bin"), launcher.toString(), "--version");
        assertTrue(bare.startsWith("jlxcfs "), bare);

        run(Map.of(), top.resolve("scripts/uninstall").toString(), "--dest", stage.toString());
        for (Path p : new Path[] {jar, launcher, helper, unit}) assertFalse(Files.exists(p), p + " left behind");
    }

    @Test
    void anotherPrefixIsWrittenIntoTheUnit() throws Exception {
        run(Map.of(), Repo.top().resolve("scripts/install").toString(), "--no-build", "--prefix", "/opt/jlxcfs",
                "--dest", stage.toString());
        String unit = Files.readString(stage.resolve("etc/systemd/system/jlxcfs.service"));
        assertTrue(unit.contains("ExecStart=/opt/jlxcfs/bin/jlxcfs --pidfile /run/jlxcfs.pid /var/lib/lxcfs"), unit);
        assertTrue(unit.contains("ExecStopPost=-/opt/jlxcfs/lib/jlxcfs/jlxcfs-stop-post /var/lib/lxcfs"), unit);
        assertFalse(unit.contains("/usr/local"), unit);
        assertTrue(Files.isExecutable(stage.resolve("opt/jlxcfs/bin/jlxcfs")));
    }
}
