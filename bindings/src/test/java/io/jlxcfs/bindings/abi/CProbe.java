package io.jlxcfs.bindings.abi;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Compiles {@code bindings/abi/abi_probe.c} with gcc against the installed headers, runs it and
 * parses its {@code key value} lines (see the comment at the top of the C file).
 */
final class CProbe {

    static final List<String> CFLAGS = List.of("-std=gnu11", "-Wall", "-Wextra", "-Werror",
            "-DFUSE_USE_VERSION=312", "-D_FILE_OFFSET_BITS=64", "-I/usr/include/fuse3");
    static final Path FUSE_HEADERS = Path.of("/usr/include/fuse3/fuse_lowlevel.h");
    static final Path KERNEL_HEADERS = Path.of("/usr/include/linux/fuse.h");
    static final String ABSENT = "absent";

    private CProbe() {
    }

    /** Why the probe cannot run here (gcc or headers missing), or empty if it can. */
    static Optional<String> unavailable() {
        if (gcc().isEmpty()) {
            return Optional.of("gcc is not on PATH (install gcc to run the ABI probe)");
        }
        for (Path h : List.of(FUSE_HEADERS, KERNEL_HEADERS)) {
            if (!Files.isReadable(h)) {
                return Optional.of(h + " is missing (install libfuse3-dev and linux-libc-dev)");
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> cached;

    /** The probe's output, compiled and run once per test JVM in a temporary directory. */
    static synchronized Map<String, String> output() throws IOException, InterruptedException {
        if (cached == null) {
            Path dir = Files.createTempDirectory("jlxcfs-abi-probe");
            try {
                cached = Map.copyOf(run(dir));
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(dir);
            }
        }
        return cached;
    }

    /** The libfuse headers' {@code major.minor} the probe was compiled against. */
    static int[] headerVersion(Map<String, String> probe) {
        String[] mm = probe.getOrDefault("header.fuse", "0.0").split("\\.");
        return new int[] {Integer.parseInt(mm[0]), Integer.parseInt(mm[1])};
    }

    /** Compiles and runs the probe in {@code workDir}; a compiler or probe failure is an error. */
    static Map<String, String> run(Path workDir) throws IOException, InterruptedException {
        Path exe = workDir.resolve("abi_probe");
        List<String> cc = new ArrayList<>();
        cc.add(gcc().orElseThrow().toString());
        cc.addAll(CFLAGS);
        cc.add(source().toString());
        cc.add("-o");
        cc.add(exe.toString());
        exec(cc, "gcc");
        return parse(exec(List.of(exe.toString()), "abi_probe"));
    }

    /** Parses {@code key value} lines into a sorted map. */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> out = new TreeMap<>();
        for (String line : lines) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                out.put(kv[0], kv[1]);
            }
        }
        return out;
    }

    /** The probe source, found from the module directory (surefire's working directory) or the repo root. */
    static Path source() {
        for (String dir : List.of(System.getProperty("basedir", "."), ".", "bindings")) {
            Path p = Path.of(dir, "abi", "abi_probe.c");
            if (Files.isReadable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("abi/abi_probe.c not found from " + Path.of("").toAbsolutePath());
    }

    private static Optional<Path> gcc() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "gcc");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<String> exec(List<String> cmd, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(what + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + out);
        }
        return out.lines().toList();
    }
}
