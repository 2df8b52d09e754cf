package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import io.jlxcfs.vfs.VirtualFile;

/** The option policies of {@code jlxcfs bench}: sizes, server pids per root, the file list. Pure except where named. */
public final class BenchOptions {

    private BenchOptions() {
    }

    /** "50M", "512k", "1G", "1048576": binary multiples as the cgroup files take them. */
    public static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) t = t.substring(0, t.length() - 2);
        else if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long mult = 1;
        if (!t.isEmpty()) {
            int shift = "KMGT".indexOf(t.charAt(t.length() - 1));
            if (shift >= 0) {
                mult = 1L << (10 * (shift + 1));
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long v = Long.parseLong(t.trim());
            if (v <= 0) throw new IllegalArgumentException("size must be positive: " + s);
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: " + s + " (e.g. 50M, 1G, 524288)");
        }
    }

    /**
     * The server pid of each root (0: none, e.g. for {@code /}). Each spec is {@code ROOT=VALUE} or a
     * bare {@code VALUE}; the k-th bare {@code --pid} belongs to the k-th ROOT, and so does the k-th
     * bare {@code --pidfile}. A root given two pids is an error.
     *
     * @param readPidfile reads a pidfile's pid (I/O stays with the caller)
     */
    public static List<Integer> serverPids(List<String> roots, List<String> pids, List<String> pidfiles,
                                           java.util.function.Function<String, Integer> readPidfile) {
        Integer[] out = new Integer[roots.size()];
        assign(roots, pids, Integer::parseInt, out, "--pid");
        assign(roots, pidfiles, readPidfile, out, "--pidfile");
        return Arrays.stream(out).map(p -> p == null ? 0 : p).toList();
    }

    private static void assign(List<String> roots, List<String> specs, java.util.function.Function<String, Integer> value,
                               Integer[] out, String option) {
        int bare = 0;
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            int root;
            String v;
            if (eq > 0) {
                root = indexOfRoot(roots, spec.substring(0, eq));
                if (root < 0) throw new IllegalArgumentException(option + " " + spec + ": no such ROOT (roots: " + roots + ")");
                v = spec.substring(eq + 1);
            } else {
                root = bare++;
                if (root >= roots.size()) throw new IllegalArgumentException(option + " " + spec + ": more pids than roots");
                v = spec;
            }
            if (out[root] != null) throw new IllegalArgumentException("two server pids for root " + roots.get(root));
            try {
                out[root] = value.apply(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + spec + ": not a pid");
            }
        }
    }

    /** A root named as given or as the same normalised path ("/tmp/x/" is "/tmp/x"). */
    static int indexOfRoot(List<String> roots, String name) {
        int i = roots.indexOf(name);
        if (i >= 0) return i;
        Path p = Path.of(name).normalize();
        for (int j = 0; j < roots.size(); j++) if (Path.of(roots.get(j)).normalize().equals(p)) return j;
        return -1;
    }

    /** The files benchmarked by default: every virtual file a monitoring agent reads (all but slabinfo, which is root-only). */
    public static List<String> defaultFiles() {
        List<String> out = new ArrayList<>();
        for (VirtualFile f : VirtualFile.values()) if (f != VirtualFile.PROC_SLABINFO) out.add(f.path());
        return out;
    }

    /** Relative form of a --files entry ("/proc/meminfo" and "proc/meminfo" are the same file below ROOT). */
    static String relative(String file) {
        String f = file.trim();
        while (f.startsWith("/")) f = f.substring(1);
        if (f.isEmpty()) throw new IllegalArgumentException("empty file name in --files");
        return f;
    }

    /**
     * The files to measure: {@code requested} (relative to each ROOT) if given, each of which must be
     * readable below every root; otherwise the defaults that exist below every root (pressure files
     * exist only with PSI).
     */
    public static List<String> files(List<String> roots, List<String> requested, Predicate<Path> readable) {
        if (requested != null && !requested.isEmpty()) {
            List<String> out = requested.stream().map(BenchOptions::relative).distinct().toList();
            for (String f : out) for (String r : roots) {
                if (!readable.test(Path.of(r).resolve(f))) throw new IllegalArgumentException("cannot read " + Path.of(r).resolve(f));
            }
            return out;
        }
        return defaultFiles().stream().filter(f -> roots.stream().allMatch(r -> readable.test(Path.of(r).resolve(f)))).toList();
    }

    /** Reads the pid in a pidfile (first line). */
    public static int readPidfile(String file) {
        try {
            return Integer.parseInt(Files.readString(Path.of(file)).trim().split("\\s+")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read pidfile " + file + ": " + e.getMessage());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("no pid in " + file);
        }
    }
}
