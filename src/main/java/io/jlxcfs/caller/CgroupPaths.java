package io.jlxcfs.caller;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A process's cgroup per controller, from /proc/PID/cgroup, with a trailing "/init.scope" removed
 * (systemd in a container puts itself there; the container's limits sit one level up).
 *
 * @param v1      v1 controller -> path ("memory" -> "/process_api/x"); "name=systemd" hierarchies are skipped
 * @param unified the cgroup2 path ("0::" line), or null
 */
public final class CgroupPaths {

    private final Map<String, String> v1;
    private final String unified;
    /** Every read looks its view up by these paths: the hash is computed once. */
    private final int hash;

    public CgroupPaths(Map<String, String> v1, String unified) {
        this.v1 = Map.copyOf(v1);
        this.unified = unified;
        this.hash = 31 * this.v1.hashCode() + Objects.hashCode(unified);
    }

    public Map<String, String> v1() {
        return v1;
    }

    public String unified() {
        return unified;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof CgroupPaths p && p.hash == hash && Objects.equals(p.unified, unified)
                && p.v1.equals(v1);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "CgroupPaths[v1=" + v1 + ", unified=" + unified + "]";
    }

    /** Null for garbage. */
    public static CgroupPaths parse(String text) {
        if (text == null) return null;
        Map<String, String> v1 = new HashMap<>();
        // a container's processes sit at one path in every hierarchy: keep one copy of it
        Map<String, String> paths = new HashMap<>(4);
        String unified = null;
        for (String line : text.split("\n")) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) continue;
            String ctls = line.substring(a + 1, b);
            String path = stripInitScope(line.substring(b + 1));
            if (!path.startsWith("/")) continue;
            path = paths.computeIfAbsent(path, x -> x);
            if (ctls.isEmpty()) {
                unified = path;
            } else {
                for (String c : ctls.split(",")) v1.put(controller(c), path);
            }
        }
        return new CgroupPaths(v1, unified);
    }

    /** Controller names are few; every caller's map shares one copy of each (bounded by the kernel's list). */
    private static final Map<String, String> CONTROLLERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String controller(String c) {
        return CONTROLLERS.size() < 256 ? CONTROLLERS.computeIfAbsent(c, x -> x) : c;
    }

    /** The path of {@code controller}: the v1 one, else the unified one; null if neither. */
    public String path(String controller, boolean v2) {
        return v2 ? unified : v1.get(controller);
    }

    static String stripInitScope(String p) {
        if (p.endsWith("/init.scope")) {
            String s = p.substring(0, p.length() - "/init.scope".length());
            return s.isEmpty() ? "/" : s;
        }
        return p;
    }
}
