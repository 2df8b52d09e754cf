package io.jlxcfs.view;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a fixture tree from src/test/resources/fixtures into a temp dir, turning each
 * proc/PID/ns.txt (an `ls -l` of /proc/PID/ns) into a real ns/pid symlink as procfs has it.
 */
public final class Fixtures {

    private Fixtures() {
    }

    public static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path copy(String name, Path tmp) {
        Path src = resource(name), dst = tmp.resolve(name);
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
            linkNamespaces(dst.resolve("proc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dst;
    }

    private static void linkNamespaces(Path proc) throws IOException {
        if (!Files.isDirectory(proc)) return;
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path d : (Iterable<Path>) pids::iterator) {
                Path ns = d.resolve("ns.txt");
                if (!Files.isRegularFile(ns)) continue;
                List<String> lines = Files.readAllLines(ns);
                for (String l : lines) {
                    int arrow = l.indexOf(" pid -> ");
                    if (arrow < 0) continue;
                    Files.createDirectories(d.resolve("ns"));
                    Files.createSymbolicLink(d.resolve("ns/pid"), Path.of(l.substring(arrow + 8).trim()));
                }
            }
        }
    }

    public static ViewConfig config(Path tree, boolean cfs) {
        return new ViewConfig(tree.resolve("cgroup"), tree.resolve("proc"), tree.resolve("sys"), true, true, cfs, false);
    }
}
