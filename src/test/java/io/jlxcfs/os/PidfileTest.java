package io.jlxcfs.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs competing for one pidfile. */
class PidfileTest {

    @TempDir
    Path tmp;

    private static ProcessBuilder holder(Path pidfile) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                PidfileHolder.class.getName(), pidfile.toString());
    }

    /** Reads the file from another process: opening it here would drop our own fcntl lock. */
    private static String cat(Path f) throws Exception {
        Process p = new ProcessBuilder("cat", f.toString()).start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return s;
    }

    @Test
    void aSecondInstanceIsRefusedNamingTheHolderThenTakesOverWhenItDies() throws Exception {
        Path f = tmp.resolve("run/jlxcfs.pid");
        Process other = holder(f).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked " + other.pid(), r.readLine());
            assertEquals(OptionalLong.of(other.pid()), Pidfile.read(f));
            Pidfile.HeldException e = assertThrows(Pidfile.HeldException.class, () -> Pidfile.acquire(f));
            assertEquals(OptionalLong.of(other.pid()), e.holder());
            assertTrue(e.getMessage().contains("pid " + other.pid()), e.getMessage());
            assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: leaves a stale file behind
            assertEquals(OptionalLong.of(other.pid()), Pidfile.read(f), "the dead holder's file is still there");
            try (Pidfile mine = Pidfile.acquire(f)) {
                assertEquals(OptionalLong.of(ProcessHandle.current().pid()), Pidfile.read(f));
                assertEquals(ProcessHandle.current().pid() + "\n", cat(f), "as other processes read it");
                assertEquals(f, mine.path());
            }
            assertFalse(Files.exists(f), "a clean close removes the file");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void theChildIsRefusedWhileWeHoldIt() throws Exception {
        Path f = tmp.resolve("jlxcfs.pid");
        try (Pidfile _ = Pidfile.acquire(f)) {
            Process p = holder(f).start();
            p.getOutputStream().close(); // a holder that wrongly got the lock exits at once
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out);
            assertTrue(out.startsWith("held " + ProcessHandle.current().pid() + " another jlxcfs is running as pid "), out);
        }
    }

    @Test
    void theSameJvmCannotTakeItTwice() throws Exception {
        Path f = tmp.resolve("jlxcfs.pid");
        try (Pidfile _ = Pidfile.acquire(f)) {
            assertThrows(Pidfile.HeldException.class, () -> Pidfile.acquire(f));
            assertEquals(ProcessHandle.current().pid() + "\n", cat(f), "the refused attempt must not clobber the file");
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()), Pidfile.read(f));
            // closing those other channels must not have dropped our fcntl lock
            Process p = holder(f).start();
            try {
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child got the lock: ours was dropped");
                assertEquals(1, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
