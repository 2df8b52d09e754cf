package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class BenchOptionsTest {

    private static BenchCommand parse(String... args) {
        BenchCommand c = new BenchCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void defaults() {
        BenchCommand c = parse("/");
        assertEquals(List.of(1, 2, 8), c.threads);
        assertEquals(1.0, c.duration);
        assertEquals(3, c.rounds);
        assertEquals("50M", c.memory);
        assertEquals(ReadLoop.Kind.NATIVE, c.reader);
        assertFalse(c.json);
    }

    @Test
    void options() {
        BenchCommand c = parse("--files", "proc/meminfo,/proc/uptime", "--threads", "1,4", "--duration", "0.5",
                "--warmup", "10", "--rounds", "2", "--memory", "1G", "--pid", "/b=42", "--pidfile", "/c=/run/x.pid",
                "--json", "--baseline", "/b", "--reader", "channel", "--fleet", "20", "/", "/b", "/c");
        assertEquals(List.of("/", "/b", "/c"), c.roots);
        assertEquals(List.of("proc/meminfo", "/proc/uptime"), c.files);
        assertEquals(List.of(1, 4), c.threads);
        assertEquals(0.5, c.duration);
        assertEquals(10, c.warmup);
        assertEquals(2, c.rounds);
        assertEquals(List.of("/b=42"), c.pids);
        assertEquals(List.of("/c=/run/x.pid"), c.pidfiles);
        assertTrue(c.json);
        assertEquals("/b", c.baseline);
        assertEquals(ReadLoop.Kind.CHANNEL, c.reader);
        assertEquals(20, c.fleet);
    }

    @Test
    void rootIsRequiredAndReaderIsChecked() {
        assertThrows(CommandLine.ParameterException.class, () -> parse("--json"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--reader", "mmap", "/"));
    }

    @Test
    void sizes() {
        assertEquals(50L << 20, BenchOptions.parseSize("50M"));
        assertEquals(50L << 20, BenchOptions.parseSize("50MiB"));
        assertEquals(512L << 10, BenchOptions.parseSize("512k"));
        assertEquals(1L << 30, BenchOptions.parseSize("1G"));
        assertEquals(4096, BenchOptions.parseSize("4096"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parseSize("0"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parseSize("99999999999T"));
    }

    @Test
    void serverPidsByRootAndByPosition() {
        List<String> roots = List.of("/", "/mnt/a", "/mnt/b");
        assertEquals(List.of(0, 7, 0), BenchOptions.serverPids(roots, List.of("/mnt/a=7"), List.of(), f -> -1));
        assertEquals(List.of(1, 2, 0), BenchOptions.serverPids(roots, List.of("1", "2"), List.of(), f -> -1));
        assertEquals(List.of(0, 0, 9), BenchOptions.serverPids(roots, List.of(), List.of("/mnt/b/=/run/b.pid"),
                f -> f.equals("/run/b.pid") ? 9 : -1));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.serverPids(roots, List.of("/x=1"), List.of(), f -> 0));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.serverPids(roots, List.of("1", "/=2"), List.of(), f -> 0));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.serverPids(roots, List.of("1", "2", "3", "4"), List.of(), f -> 0));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.serverPids(roots, List.of("abc"), List.of(), f -> 0));
    }

    @Test
    void filesDefaultToWhatExistsBelowEveryRoot() {
        Set<Path> present = Set.of(Path.of("/a/proc/meminfo"), Path.of("/b/proc/meminfo"), Path.of("/a/proc/pressure/cpu"));
        assertEquals(List.of("proc/meminfo"), BenchOptions.files(List.of("/a", "/b"), List.of(), present::contains));
        assertEquals(List.of("proc/meminfo"), BenchOptions.files(List.of("/a", "/b"), List.of("/proc/meminfo"), present::contains));
        assertThrows(IllegalArgumentException.class,
                () -> BenchOptions.files(List.of("/a", "/b"), List.of("proc/pressure/cpu"), present::contains));
        assertFalse(BenchOptions.defaultFiles().contains("proc/slabinfo"));
        assertTrue(BenchOptions.defaultFiles().contains("sys/devices/system/cpu/online"));
    }

    @Test
    void flatRoot() {
        Set<Path> present = Set.of(Path.of("/tmp/floor/meminfo"));
        assertEquals(List.of("meminfo"), BenchOptions.files(List.of("/tmp/floor"), List.of("meminfo"), present::contains));
    }

    @Test
    void planRejectsBadValues() {
        assertThrows(IllegalArgumentException.class, () -> parse("--duration", "0", "/").plan());
        assertThrows(IllegalArgumentException.class, () -> parse("--threads", "0", "/").plan());
        assertThrows(IllegalArgumentException.class, () -> parse("--baseline", "/nope", "/").plan());
    }

    @Test
    void planOfFleetUsesTheFleetSize() {
        BenchCommand.Plan p = parse("--fleet", "5", "--files", "proc/meminfo", "--rounds", "2", "/").plan();
        assertEquals(List.of(new Schedule.Config("proc/meminfo", 5)), p.configs());
        assertEquals(2, p.steps().size());
    }
}
