package io.jlxcfs.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.jlxcfs.bindings.libc.libc_h;

/** sd_notify against a real AF_UNIX datagram socket, fd passing, and an fd store round trip. */
class SdNotifyTest {

    @TempDir
    Path tmp;

    @Test
    void statesArriveAtAPathSocket() {
        String path = tmp.resolve("notify").toString();
        try (NotifySocket r = NotifySocket.bind(path)) {
            assertTrue(SdNotify.send(path, "READY=1"));
            assertTrue(SdNotify.send(path, "STATUS=serving /var/lib/lxcfs"));
            assertTrue(SdNotify.send(path, "STOPPING=1"));
            assertEquals("READY=1", r.receive(2000).text());
            assertEquals("STATUS=serving /var/lib/lxcfs", r.receive(2000).text());
            assertEquals("STOPPING=1", r.receive(2000).text());
        }
    }

    @Test
    void statesArriveAtAnAbstractSocket() {
        String name = "@jlxcfs-test-notify-" + ProcessHandle.current().pid();
        try (NotifySocket r = NotifySocket.bind(name)) {
            assertTrue(SdNotify.send(name, "READY=1"));
            assertEquals("READY=1", r.receive(2000).text());
        }
    }

    @Test
    void aStoredFdArrivesAndWorks() {
        String path = tmp.resolve("notify").toString();
        try (NotifySocket r = NotifySocket.bind(path); Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            MemorySegment pair = a.allocate(ValueLayout.JAVA_INT, 2);
            assertEquals(0, libc_h.socketpair(cs, SdNotify.AF_UNIX, 1 /* SOCK_STREAM */, 0, pair));
            int mine = pair.getAtIndex(ValueLayout.JAVA_INT, 0), sent = pair.getAtIndex(ValueLayout.JAVA_INT, 1);
            assertTrue(SdNotify.send(path, "FDSTORE=1\nFDNAME=fuse", sent));
            NotifySocket.Message d = r.receive(2000);
            assertNotNull(d);
            assertEquals("FDSTORE=1\nFDNAME=fuse", d.text());
            assertEquals(1, d.fds().size());
            int got = d.fds().get(0);
            assertTrue(got != sent, "a new descriptor for the same socket");
            libc_h.close(cs, sent); // the received fd must work on its own
            byte[] hello = "through the store".getBytes(StandardCharsets.UTF_8);
            assertEquals(hello.length, libc_h.write(cs, mine, a.allocateFrom(ValueLayout.JAVA_BYTE, hello), hello.length));
            MemorySegment buf = a.allocate(64);
            long n = libc_h.read(cs, got, buf, 64);
            assertArrayEquals(hello, buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE));
            libc_h.close(cs, got);
            libc_h.close(cs, mine);
        }
    }

    @Test
    void failuresReturnFalseAndNeverThrow() {
        assertFalse(SdNotify.send(tmp.resolve("nobody-listens").toString(), "READY=1"));
        assertFalse(SdNotify.send("relative/path", "READY=1"));
        assertFalse(SdNotify.send("/" + "x".repeat(200), "READY=1"));
    }

    @Test
    void listenFdsFollowsSdListenFdsWithNames() {
        Map<String, String> env = Map.of("LISTEN_PID", "42", "LISTEN_FDS", "3", "LISTEN_FDNAMES", "fuse::stats");
        assertEquals(List.of(new ListenFd(3, "fuse"), new ListenFd(4, "unknown"), new ListenFd(5, "stats")),
                SdNotify.parseListenFds(env, 42));
        assertEquals(List.of(), SdNotify.parseListenFds(env, 43), "meant for another process");
        assertEquals(List.of(new ListenFd(3, "unknown")), SdNotify.parseListenFds(Map.of("LISTEN_PID", "7", "LISTEN_FDS", "1"), 7));
        assertEquals(List.of(), SdNotify.parseListenFds(Map.of("LISTEN_PID", "7", "LISTEN_FDS", "x"), 7));
        assertEquals(List.of(), SdNotify.parseListenFds(Map.of(), 7));
        Map<String, String> child = new java.util.HashMap<>(env);
        child.put("PATH", "/bin");
        assertEquals(Map.of("PATH", "/bin"), SdNotify.withoutListenVariables(child));
    }

    @Test
    void watchdogFollowsWatchdogPid() {
        assertEquals(OptionalLong.of(30_000_000), SdNotify.parseWatchdog(Map.of("WATCHDOG_USEC", "30000000"), 9));
        assertEquals(OptionalLong.of(30_000_000), SdNotify.parseWatchdog(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "9"), 9));
        assertEquals(OptionalLong.empty(), SdNotify.parseWatchdog(Map.of("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "8"), 9));
        assertEquals(OptionalLong.empty(), SdNotify.parseWatchdog(Map.of("WATCHDOG_USEC", "0"), 9));
        assertEquals(OptionalLong.empty(), SdNotify.parseWatchdog(Map.of(), 9));
    }

    @Test
    void theEnvironmentPathWorksInAChildJvm() throws Exception {
        String path = tmp.resolve("notify").toString();
        try (NotifySocket r = NotifySocket.bind(path)) {
            ProcessBuilder pb = probe("notify");
            pb.environment().put("NOTIFY_SOCKET", path);
            pb.environment().put("WATCHDOG_USEC", "30000000");
            pb.environment().remove("WATCHDOG_PID");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("available=true"), out);
            assertTrue(out.contains("watchdog=OptionalLong[30000000]"), out);
            List<String> got = new ArrayList<>();
            for (NotifySocket.Message d; (d = r.receive(2000)) != null && got.size() < 3; ) got.add(d.text());
            assertEquals(List.of("READY=1", "STATUS=probe running", "STOPPING=1"), got);
        }
    }

    /** End to end under fdstore-sim (plays systemd): store an fd, die, get it back as LISTEN_FDS. */
    @Test
    void anFdSurvivesARestartThroughTheFdStore() throws Exception {
        Path sim = findSim();
        assumeTrue(sim != null, "fdstore-sim.py not found next to the repository (shared/tools)");
        List<String> cmd = new ArrayList<>(List.of("python3", sim.toString(), "--restarts", "1", "--"));
        cmd.addAll(probe("fdstore").command());
        Path err = tmp.resolve("sim.err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(err);
        assertEquals(0, p.exitValue(), out + log);
        String stored = out.lines().filter(l -> l.startsWith("run1 ")).findFirst().orElseThrow(() -> new AssertionError(out + log));
        assertTrue(stored.endsWith(" sent=true"), stored);
        String marker = stored.substring("run1 stored=".length(), stored.indexOf(" sent="));
        assertTrue(out.contains("run2 fd=3 name=probe read=" + marker + " again=0"), out + log);
        assertTrue(log.contains("fdstore name=probe count=1"), log);
        assertTrue(log.contains("restart"), log);
    }

    static ProcessBuilder probe(String mode) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SdNotifyProbe.class.getName(), mode);
    }

    /** shared/tools/fdstore-sim.py beside the repository (CI), or /work/shared (sessions). */
    static Path findSim() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path c = d.resolve("shared/tools/fdstore-sim.py");
            if (Files.isReadable(c)) return c;
        }
        return null;
    }
}
