package io.jlxcfs.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.jlxcfs.view.ViewConfig;

/**
 * A fixture tree of src/test/resources/fixtures (cgroup/ + proc/) copied to a temp dir for one
 * benchmark trial, with each proc/PID/ns.txt (an `ls -l` of /proc/PID/ns) turned into the ns/pid
 * symlink procfs has, as the golden tests do. A spec is {@code NAME} or {@code NAME:PID}; without a
 * pid the golden tests' caller is used (v1 trees: 4242, v2: 136, the container ctr-1).
 *
 * <p>Where the fixtures are: {@code -Djlxcfs.fixtures=DIR}, else {@code src/test/resources/fixtures}
 * of the checkout the benchmarks jar was built in (the jar sits in {@code jmh/target/}), else the
 * same path below the working directory or one of its parents.
 */
public final class FixtureTree implements AutoCloseable {

    public static final String PROPERTY = "jlxcfs.fixtures";
    private static final String REL = "src/test/resources/fixtures";
    private static final Map<String, Integer> DEFAULT_PIDS = Map.of("v1-basic", 4242, "v1-hybrid-4cpu-swap", 4242, "v2", 136);

    private final Path tmp;
    private final Path tree;
    private final int pid;

    private FixtureTree(Path tmp, Path tree, int pid) {
        this.tmp = tmp;
        this.tree = tree;
        this.pid = pid;
    }

    /** Copies the tree named by {@code spec} ("v2", "v2:158") to a fresh temp dir. */
    public static FixtureTree open(String spec) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        Integer pid = colon < 0 ? DEFAULT_PIDS.get(name) : Integer.valueOf(spec.substring(colon + 1));
        if (pid == null) throw new IllegalArgumentException("no default caller pid for fixture " + name + "; give NAME:PID");
        Path src = root().resolve(name);
        if (!Files.isDirectory(src.resolve("proc"))) throw new IllegalArgumentException("not a fixture tree: " + src);
        try {
            Path tmp = Files.createTempDirectory("jlxcfs-jmh-");
            Path dst = tmp.resolve(name);
            copy(src, dst);
            linkNamespaces(dst.resolve("proc"));
            return new FixtureTree(tmp, dst, pid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding the fixture trees. */
    public static Path root() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) return Path.of(prop).toAbsolutePath();
        Path fromJar = besideJar();
        if (fromJar != null && Files.isDirectory(fromJar)) return fromJar;
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(REL))) return d.resolve(REL);
        }
        throw new IllegalStateException("fixture trees not found: run from the checkout or pass -D" + PROPERTY + "=DIR");
    }

    /** {@code <checkout>/src/test/resources/fixtures} for a jar at {@code <checkout>/jmh/target/x.jar}. */
    private static Path besideJar() {
        try {
            Path jar = Path.of(FixtureTree.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path target = jar.getParent();
            Path module = target == null ? null : target.getParent();
            Path checkout = module == null ? null : module.getParent();
            return checkout == null ? null : checkout.resolve(REL);
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static void copy(Path src, Path dst) throws IOException {
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void linkNamespaces(Path proc) throws IOException {
        try (Stream<Path> pids = Files.list(proc)) {
            for (Path d : (Iterable<Path>) pids::iterator) {
                Path ns = d.resolve("ns.txt");
                if (!Files.isRegularFile(ns)) continue;
                for (String l : Files.readAllLines(ns)) {
                    int arrow = l.indexOf(" pid -> ");
                    if (arrow < 0) continue;
                    Files.createDirectories(d.resolve("ns"));
                    Files.createSymbolicLink(d.resolve("ns/pid"), Path.of(l.substring(arrow + 8).trim()));
                }
            }
        }
    }

    /** The caller whose view is rendered. */
    public int pid() {
        return pid;
    }

    public Path cgroupRoot() {
        return tree.resolve("cgroup");
    }

    public Path procRoot() {
        return tree.resolve("proc");
    }

    /** The views' configuration over this tree (swap and zswap shown, as the daemon's defaults). */
    public ViewConfig config(boolean cfs) {
        return new ViewConfig(cgroupRoot(), procRoot(), tree.resolve("sys"), true, true, cfs, false);
    }

    /** Deletes the copy. */
    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(tmp)) {
            List<Path> paths = all.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
