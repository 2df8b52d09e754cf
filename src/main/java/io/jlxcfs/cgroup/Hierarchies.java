package io.jlxcfs.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where each controller's hierarchy is mounted below the cgroup root. On v1 a controller is a
 * subdirectory named after it, a combined directory ({@code cpu,cpuacct}) or a symlink to one.
 *
 * @param layout   the detected layout
 * @param root     the cgroup root
 * @param v1       v1 controller name -> its hierarchy's directory (empty on v2)
 */
public record Hierarchies(Layout layout, Path root, Map<String, Path> v1) {

    /** The v1 controllers the views read. */
    public static final List<String> CONTROLLERS = List.of("memory", "cpu", "cpuacct", "cpuset", "blkio");

    public Hierarchies {
        v1 = Map.copyOf(v1);
    }

    /** Inspects {@code root} once; never throws (an unreadable root is {@link Layout#NONE}). */
    public static Hierarchies detect(Path root) {
        if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
            return new Hierarchies(Layout.V2, root, Map.of());
        }
        Map<String, Path> dirs = v1Dirs(root);
        if (dirs.isEmpty()) return new Hierarchies(Layout.NONE, root, Map.of());
        boolean unified = Files.isRegularFile(root.resolve("unified").resolve("cgroup.controllers"));
        return new Hierarchies(unified ? Layout.HYBRID : Layout.V1, root, dirs);
    }

    private static Map<String, Path> v1Dirs(Path root) {
        Map<String, Path> dirs = new HashMap<>();
        try (Stream<Path> entries = Files.list(root)) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                if (!Files.isDirectory(e)) continue;
                for (String name : e.getFileName().toString().split(",")) {
                    if (CONTROLLERS.contains(name)) dirs.putIfAbsent(name, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return dirs;
    }

    /** The directory of {@code controller}'s hierarchy, or null if it is not mounted. */
    public Path dir(String controller) {
        return layout == Layout.V2 ? root : v1.get(controller);
    }

    public boolean isV2() {
        return layout == Layout.V2;
    }
}
