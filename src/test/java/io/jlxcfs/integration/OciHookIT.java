package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs real runc containers (busybox rootfs, 64 MiB memory limit in a cgroup below our own memory
 * cgroup) with {@code jlxcfs oci-hook} as their createContainer hook, against a jlxcfs mount if the
 * built jar can mount, else the reference lxcfs.
 */
@Tag("runc")
class OciHookIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/jlxcfs.jar").toAbsolutePath();
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static Path work;
    private static Path mnt;
    private static Process server;
    private static long serverPid = -1;
    private static String served;
    private static String cgroupParent;
    private static final List<String> cgroups = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc")), "runc");
        assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "busybox-static");
        assumeTrue(Files.isRegularFile(JAR), "run mvn verify: needs " + JAR);
        work = Files.createTempDirectory("jlxcfs-oci-it");
        mnt = Files.createDirectories(work.resolve("mnt"));
        cgroupParent = memoryCgroup();
        if (!startJlxcfs()) startLxcfs();
        System.out.println("OciHookIT: serving " + mnt + " with " + served);
    }

    /** Our own memory cgroup ("/process_api/ID"): runc on cgroup v1 uses cgroupsPath for every controller. */
    private static String memoryCgroup() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = l.split(":", 3);
            if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) return f[2].equals("/") ? "" : f[2];
        }
        return "";
    }

    private static boolean startJlxcfs() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JAVA, "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(),
                "--pidfile", work.resolve("jlxcfs.pid").toString(), mnt.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("jlxcfs.log").toFile());
        server = pb.start();
        serverPid = server.pid();
        if (waitForMount(10_000, server)) {
            served = "jlxcfs (" + JAR + ")";
            return true;
        }
        stopServer();
        return false;
    }

    private static void startLxcfs() throws Exception {
        Process p = new ProcessBuilder("lxcfs", "-p", work.resolve("lxcfs.pid").toString(), mnt.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("lxcfs.log").toFile()).start();
        server = p;
        serverPid = p.pid();
        assumeTrue(waitForMount(10_000, p), "neither jlxcfs nor lxcfs could mount " + mnt);
        served = "lxcfs (reference; jlxcfs jar could not mount)";
    }

    private static boolean waitForMount(long ms, Process p) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            if (Files.isRegularFile(mnt.resolve("proc/meminfo"))) return true;
            if (!p.isAlive()) return false;
            Thread.sleep(100);
        }
        return false;
    }

    private static void stopServer() throws Exception {
        if (server == null) return;
        run(List.of("fusermount3", "-u", mnt.toString()));
        if (server.isAlive()) {
            server.destroy();
            if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
        }
        server = null;
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            stopServer();
        } finally {
            for (String cg : cgroups) removeCgroup(cg);
            if (work != null) deleteTree(work);
        }
    }

    /** runc delete removes them; this catches what a failed run leaves behind. */
    private static void removeCgroup(String cg) throws IOException {
        try (Stream<Path> ctls = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path ctl : ctls.toList()) {
                Path d = Path.of(ctl + cg);
                if (Files.isDirectory(d)) Files.delete(d);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(mnt.resolve("proc"))) return; // still mounted: never recurse into it
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    private record Result(int rc, String out) {
    }

    private static Result run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Result(p.exitValue(), out);
    }

    /** A bundle: busybox rootfs, `runc spec` edited for our test. */
    private static Path bundle(String name, boolean optIn) throws Exception {
        Path b = Files.createDirectories(work.resolve(name));
        Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
        for (String d : List.of("proc", "sys", "dev", "tmp")) Files.createDirectories(b.resolve("rootfs").resolve(d));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : List.of("sh", "cat", "free", "head", "grep")) Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        Result spec = run(List.of("runc", "spec", "--bundle", b.toString()));
        assertEquals(0, spec.rc(), spec.out());
        ObjectNode c = (ObjectNode) JSON.readTree(b.resolve("config.json").toFile());
        ObjectNode proc = (ObjectNode) c.get("process");
        proc.put("terminal", false);
        proc.set("args", JSON.valueToTree(List.of("sh", "-c", "cat /proc/meminfo; free")));
        ObjectNode linux = (ObjectNode) c.get("linux");
        ((ObjectNode) linux.withObject("/resources")).set("memory", JSON.createObjectNode().put("limit", 64L << 20));
        String cg = cgroupParent + "/jlxcfs-test-" + name + "-" + ProcessHandle.current().pid();
        cgroups.add(cg);
        linux.put("cgroupsPath", cg);
        if (optIn) c.set("annotations", JSON.createObjectNode().put(OptIn.OCI_ANNOTATION, "true"));
        ArrayNode hooks = JSON.createArrayNode();
        hooks.add(JSON.createObjectNode().put("path", JAVA).set("args", JSON.valueToTree(List.of(
                "java", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "oci-hook", "--root", mnt.toString()))));
        c.set("hooks", JSON.createObjectNode().set("createContainer", hooks));
        JSON.writerWithDefaultPrettyPrinter().writeValue(b.resolve("config.json").toFile(), c);
        return b;
    }

    private static Result runContainer(Path b, String id) throws Exception {
        try {
            return run(List.of("runc", "run", "--bundle", b.toString(), id));
        } finally {
            run(List.of("runc", "delete", "--force", id));
        }
    }

    private static String memTotal(String text) {
        Matcher m = Pattern.compile("(?m)^MemTotal:\\s+(\\d+) kB").matcher(text);
        return m.find() ? m.group(1) : "none";
    }

    @Test
    void optedInContainerSeesItsMemoryLimit() throws Exception {
        Path b = bundle("optin", true);
        Result r = runContainer(b, "jlxcfs-test-optin-" + ProcessHandle.current().pid());
        assertEquals(0, r.rc(), r.out());
        assertEquals("65536", memTotal(r.out()), served + ":\n" + r.out());
    }

    @Test
    void containerThatDidNotOptInIsLeftAlone() throws Exception {
        Path b = bundle("plain", false);
        Result r = runContainer(b, "jlxcfs-test-plain-" + ProcessHandle.current().pid());
        assertEquals(0, r.rc(), r.out());
        assertEquals(memTotal(Files.readString(Path.of("/proc/meminfo"))), memTotal(r.out()), r.out());
        assertNotEquals("65536", memTotal(r.out()));
    }

    @Test
    void badStateFailsClearlyAndMountsNothing() throws Exception {
        Path state = Files.writeString(work.resolve("bad-state.json"), "{\"ociVersion\": \"1.0.2\", \"id\": ");
        Process p = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "oci-hook", "--root", mnt.toString())
                .redirectInput(state.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
        assertTrue(out.contains("bad OCI state on stdin"), out);
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("/proc/meminfo "), "no stray binds");
    }
}
