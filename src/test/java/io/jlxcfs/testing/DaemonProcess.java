package io.jlxcfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real jlxcfs daemon for integration tests: the shaded jar (built by {@code mvn package} before
 * failsafe runs) in a child JVM, mounted on a fresh temporary directory. Closing it stops the
 * daemon by pid and makes sure nothing stays mounted.
 */
public final class DaemonProcess implements AutoCloseable {

    public static final Path JAR = locateJar();

    private final Process process;
    private final Path mountpoint;
    private final Path log;

    private DaemonProcess(Process process, Path mountpoint, Path log) {
        this.process = process;
        this.mountpoint = mountpoint;
        this.log = log;
    }

    private static Path locateJar() {
        for (Path p : List.of(Path.of("target/jlxcfs.jar"), Path.of("src/target/jlxcfs.jar"))) {
            if (Files.isRegularFile(p)) return p.toAbsolutePath();
        }
        return Path.of("target/jlxcfs.jar").toAbsolutePath();
    }

    public static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-Xmx64m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-jar");
        cmd.add(JAR.toString());
        return cmd;
    }

    /**
     * The command for a daemon: as {@link #javaCommand()} plus a class-data-sharing archive (as the
     * launcher has), which halves the JVM's start and so a restart's stall. Not for subcommands
     * whose stdout is read: the JVM may print archive messages there.
     */
    public static List<String> daemonCommand() {
        List<String> cmd = javaCommand();
        int jar = cmd.indexOf("-jar");
        cmd.addAll(jar, List.of("-XX:SharedArchiveFile=" + JAR.resolveSibling("jlxcfs.jsa"),
                "-XX:+AutoCreateSharedArchive", "-Xlog:cds*=off", "-Xlog:aot*=off"));
        return cmd;
    }

    /** Starts a daemon on a new temporary mountpoint and waits until the mount serves. */
    public static DaemonProcess start(String... options) throws IOException, InterruptedException {
        Path mnt = Files.createTempDirectory("jlxcfs-it-");
        return start(mnt, Map.of(), options);
    }

    public static DaemonProcess start(Path mnt, Map<String, String> env, String... options)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("jlxcfs-it-", ".log");
        List<String> cmd = daemonCommand();
        cmd.addAll(List.of(options));
        cmd.add("--pidfile");
        cmd.add(mnt.toString() + ".pid");
        cmd.add(mnt.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // as the launchers do: the JVM's thread-suspend signal off SIGUSR2 (the passthrough toggle)
        pb.environment().put("_JAVA_SR_SIGNUM", "40");
        pb.environment().putAll(env);
        Process p = pb.start();
        DaemonProcess d = new DaemonProcess(p, mnt, log);
        d.awaitMounted(Duration.ofSeconds(30));
        return d;
    }

    public void awaitMounted(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (Mounts.isFuseMount(mountpoint) && Files.exists(mountpoint.resolve("proc/meminfo"))) return;
            if (!process.isAlive()) throw new IOException("daemon exited with " + process.exitValue() + ":\n" + log());
            Thread.sleep(50);
        }
        throw new IOException("daemon did not mount within " + timeout + ":\n" + log());
    }

    public Path mountpoint() {
        return mountpoint;
    }

    public Path file(String rel) {
        return mountpoint.resolve(rel);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Sends a signal by pid (only to the daemon this object started). */
    public void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** Waits for the daemon to exit; returns its exit code or -1 on timeout. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return -1;
        return process.exitValue();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            signal("TERM");
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (Mounts.isFuseMount(mountpoint)) {
            new ProcessBuilder("umount", "-l", mountpoint.toString()).inheritIO().start().waitFor();
        }
        Files.deleteIfExists(mountpoint);
        deleteLeftovers(mountpoint);
        Files.deleteIfExists(log);
    }

    /**
     * What a daemon on {@code mnt} leaves beside it when it is killed: the pidfile, the stats
     * file, and a supervisor's runtime directory ({@code mnt.run}).
     */
    public static void deleteLeftovers(Path mnt) throws IOException {
        Files.deleteIfExists(Path.of(mnt + ".pid"));
        Files.deleteIfExists(Path.of(mnt + ".pid.stats.json"));
        deleteTree(Path.of(mnt + ".run"));
    }

    /** Removes {@code dir} and everything below it, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
