package io.jlxcfs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup hierarchies the calling process sees and where its own cgroup is in each: gathered
 * from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}, parsed by pure functions.
 *
 * @param v1      the cgroup v1 hierarchies (controllers, mount point, own directory)
 * @param unified the cgroup2 mount and own directory, if mounted
 */
public record CgroupHost(List<Hierarchy> v1, Optional<Hierarchy> unified) {

    /** One mounted hierarchy: its controllers (empty for cgroup2), and the caller's own directory in it. */
    public record Hierarchy(Set<String> controllers, Path mountpoint, Path ownDir) {
    }

    /** v1 (or hybrid) when a memory hierarchy is mounted as cgroup v1, else v2. */
    public boolean isV1() {
        return find("memory").isPresent();
    }

    /** The v1 hierarchy that carries {@code controller}. */
    public Optional<Hierarchy> find(String controller) {
        return v1.stream().filter(h -> h.controllers().contains(controller)).findFirst();
    }

    /** Reads this process's view. */
    public static CgroupHost read() throws IOException {
        return parse(Files.readString(Path.of("/proc/self/mountinfo")), Files.readString(Path.of("/proc/self/cgroup")));
    }

    /** Pure: combines mountinfo and /proc/self/cgroup text. */
    public static CgroupHost parse(String mountinfo, String selfCgroup) {
        Map<String, String> own = ownPaths(selfCgroup);
        List<Hierarchy> v1 = new ArrayList<>();
        Hierarchy unified = null;
        for (String line : mountinfo.split("\n")) {
            MountLine m = MountLine.parse(line);
            if (m == null) continue;
            if (m.fstype().equals("cgroup")) {
                Set<String> ctl = controllers(m.superOptions());
                String key = String.join(",", ctl);
                String path = own.get(key);
                if (path != null && !ctl.isEmpty()) v1.add(new Hierarchy(ctl, m.mountpoint(), below(m, path)));
            } else if (m.fstype().equals("cgroup2") && own.containsKey("") && unified == null) {
                unified = new Hierarchy(Set.of(), m.mountpoint(), below(m, own.get("")));
            }
        }
        return new CgroupHost(List.copyOf(v1), Optional.ofNullable(unified));
    }

    /** {@code 4:memory:/a/b} -> memory=/a/b; {@code 0::/x} -> ""=/x; named hierarchies are skipped. */
    static Map<String, String> ownPaths(String selfCgroup) {
        Map<String, String> m = new HashMap<>();
        for (String line : selfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3 || f[1].startsWith("name=")) continue;
            m.put(f[1], f[2]);
        }
        return m;
    }

    /** The v1 controllers a mount carries, in the order /proc/self/cgroup lists them. */
    static Set<String> controllers(String superOptions) {
        Set<String> s = new LinkedHashSet<>();
        for (String o : superOptions.split(",")) {
            if (o.equals("rw") || o.equals("ro") || o.contains("=") || o.equals("clone_children")
                    || o.equals("noprefix") || o.equals("xattr") || o.equals("cpuset_v2_mode")) continue;
            s.add(o);
        }
        return s;
    }

    /** The own directory: the mount point plus the own path relative to the mount's root (cgroup namespaces). */
    private static Path below(MountLine m, String ownPath) {
        String rel = ownPath;
        if (!m.root().equals("/") && rel.startsWith(m.root())) rel = rel.substring(m.root().length());
        rel = rel.replaceAll("^/+", "");
        return rel.isEmpty() ? m.mountpoint() : m.mountpoint().resolve(rel);
    }

    /** The fields of one mountinfo line jlxcfs run needs. */
    record MountLine(String root, Path mountpoint, String fstype, String superOptions) {
        static MountLine parse(String line) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 3 >= f.length) return null;
            return new MountLine(unescape(f[3]), Path.of(unescape(f[4])), f[dash + 1], f[dash + 3]);
        }

        private static String unescape(String s) {
            return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
        }
    }
}
