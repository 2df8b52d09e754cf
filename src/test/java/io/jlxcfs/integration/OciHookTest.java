package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.vfs.VirtualFile;

class OciHookTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream errBuf = new ByteArrayOutputStream();

    private int hook(Path root, String state) {
        OciHook h = new OciHook(root, new PrintStream(errBuf, true, StandardCharsets.UTF_8));
        return h.run(new ByteArrayInputStream(state.getBytes(StandardCharsets.UTF_8)));
    }

    private String err() {
        return errBuf.toString(StandardCharsets.UTF_8);
    }

    private Path bundle(String annotations) throws IOException {
        Path b = tmp.resolve("bundle");
        Files.createDirectories(b.resolve("rootfs/proc"));
        Files.writeString(b.resolve("config.json"),
                "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"annotations\":" + annotations + "}");
        return b;
    }

    private static String state(Path bundle, String annotations) {
        return "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":1,\"bundle\":\"" + bundle
                + "\",\"annotations\":" + annotations + "}";
    }

    @Test
    void parsesState() throws Exception {
        OciState s = OciState.parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"creating\",\"pid\":42,"
                + "\"bundle\":\"/b\",\"annotations\":{\"io.jlxcfs.enable\":\"true\",\"n\":1}}");
        assertEquals(42, s.pid());
        assertEquals(Map.of("io.jlxcfs.enable", "true"), s.annotations());
    }

    @Test
    void rejectsBadStates() {
        for (String bad : List.of("", "nope", "[]", "{\"id\":\"c\",\"pid\":1,\"bundle\":\"/b\"}",
                "{\"ociVersion\":\"1\",\"id\":\"c\",\"pid\":0,\"bundle\":\"/b\"}",
                "{\"ociVersion\":\"1\",\"id\":\"c\",\"pid\":\"7\",\"bundle\":\"/b\"}",
                "{\"ociVersion\":\"1\",\"id\":\"c\",\"pid\":7,\"bundle\":\"rel\"}")) {
            assertThrows(OciState.BadStateException.class, () -> OciState.parse(bad), bad);
        }
    }

    @Test
    void badStateIsAnErrorAndExits1() {
        assertEquals(1, hook(tmp, "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\""));
        assertTrue(err().contains("bad OCI state on stdin"), err());
        assertTrue(err().contains("container left untouched"), err());
    }

    @Test
    void notOptedInDoesNothing() throws IOException {
        Path b = bundle("{\"io.jlxcfs.enable\":\"false\"}");
        assertEquals(0, hook(tmp, state(b, "{}")));
        assertEquals("", err());
        assertEquals(0, hook(tmp, state(tmp.resolve("missing"), "{}")), "no config.json, not opted in");
    }

    @Test
    void optedInWithoutFilesWarnsAndLetsTheContainerRun() throws IOException {
        Path b = bundle("{\"io.jlxcfs.enable\":\"true\"}");
        assertEquals(0, hook(tmp.resolve("empty-root"), state(b, "{}")));
        assertTrue(err().contains("no jlxcfs files"), err());
    }

    @Test
    void optedInWithoutConfigIsAnError() {
        assertEquals(1, hook(tmp, state(tmp.resolve("missing"), "{\"io.jlxcfs.enable\":\"true\"}")));
        assertTrue(err().contains("config.json"), err());
    }

    @Test
    void bundleConfigResolvesRelativeAndAbsoluteRoots() throws IOException {
        assertEquals(Path.of("/b/rootfs"), BundleConfig.parse(Path.of("/b"), "{\"root\":{\"path\":\"rootfs\"}}").rootfs());
        assertEquals(Path.of("/r"), BundleConfig.parse(Path.of("/b"), "{\"root\":{\"path\":\"/r/\"}}").rootfs());
        assertThrows(IOException.class, () -> BundleConfig.parse(Path.of("/b"), "{}"));
    }

    @Test
    void planModeAndCommands() {
        Path rootfs = Path.of("/b/rootfs");
        List<OciHook.Mount> plan = OciHook.plan(rootfs, Bind.of("/var/lib/lxcfs", List.of(VirtualFile.PROC_MEMINFO)));
        assertEquals(List.of(new OciHook.Mount("/var/lib/lxcfs/proc/meminfo", Path.of("/b/rootfs/proc/meminfo"))), plan);
        assertEquals(OciHook.Mode.DIRECT, OciHook.mode(rootfs, List.of("/", "/b/rootfs", "/b/rootfs/proc")));
        assertEquals(OciHook.Mode.NSENTER, OciHook.mode(rootfs, List.of("/", "/proc")));
        List<String> direct = OciHook.command(OciHook.Mode.DIRECT, 1, plan.get(0));
        assertEquals(List.of("-o", "bind,ro", "/var/lib/lxcfs/proc/meminfo", "/b/rootfs/proc/meminfo"),
                direct.subList(1, direct.size()));
        List<String> ns = OciHook.command(OciHook.Mode.NSENTER, 77, plan.get(0));
        assertEquals(List.of("--target", "77", "--mount", "--"), ns.subList(1, 5));
    }

    @Test
    void targetMustStayInsideTheRootfs() throws IOException {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/proc"));
        Files.writeString(rootfs.resolve("meminfo"), "x");
        Files.writeString(tmp.resolve("outside"), "x");
        Files.createSymbolicLink(rootfs.resolve("stat"), tmp.resolve("outside"));
        Path r = rootfs.getParent();
        assertTrue(OciHook.targetOk(Path.of("/"), r, r.resolve("proc/meminfo")));
        assertEquals(false, OciHook.targetOk(Path.of("/"), r, r.resolve("proc/stat")));
        assertEquals(false, OciHook.targetOk(Path.of("/"), r, r.resolve("proc/nothing")));
    }

    @Test
    void mountInfoUnescapes() {
        String mi = "36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 - ext3 /dev/root rw\n"
                + "65 44 254:0 / /b/rootfs/proc rw - proc proc rw\n";
        assertEquals(List.of("/mnt two", "/b/rootfs/proc"), MountInfo.parse(mi));
    }
}
