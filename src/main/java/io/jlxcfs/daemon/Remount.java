package io.jlxcfs.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jlxcfs.os.MountNs;

/**
 * The fallback when a FUSE connection did not survive (stop then start, an old kernel, a pod
 * restart): finds every mount namespace holding bind mounts of a dead jlxcfs (or lxcfs) superblock
 * and binds the live files from {@code mountpoint} over them again.
 */
public final class Remount {

    /** One mount in some namespace, from its mountinfo line. */
    record Entry(String dev, String root, String target, String fstype) {
    }

    /** A stale bind mount found in namespace {@code ns} (seen through {@code pid}). */
    public record Stale(int pid, String ns, String target, String root) {
    }

    /** What was done: rebound targets and failures. */
    public record Report(List<Stale> rebound, List<String> failures, int namespaces) {
    }

    private static final int ENOTCONN = 107, ECONNABORTED = 103;

    private final Path procRoot;
    private final Path mountpoint;
    private final List<String> fstypes;

    public Remount(Path procRoot, Path mountpoint, List<String> fstypes) {
        this.procRoot = procRoot;
        this.mountpoint = mountpoint.toAbsolutePath().normalize();
        this.fstypes = fstypes;
    }

    /** Parses one /proc/PID/mountinfo. */
    static List<Entry> parse(String mountinfo) {
        List<Entry> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 1 >= f.length) continue;
            out.add(new Entry(f[2], unescape(f[3]), unescape(f[4]), f[dash + 1]));
        }
        return out;
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The device of the live mount at the mountpoint, or null when nothing is mounted there. */
    String liveDev() throws IOException {
        String target = mountpoint.toString();
        String dev = null;
        for (Entry e : parse(Files.readString(procRoot.resolve("self/mountinfo")))) {
            if (e.target().equals(target) && fstypes.contains(e.fstype())) dev = e.dev();
        }
        return dev;
    }

    /** Candidate stale mounts: our fstype, another superblock than the live one, not the mountpoint itself. */
    Map<String, List<Stale>> candidates(String liveDev) {
        Map<String, List<Stale>> byNs = new LinkedHashMap<>();
        List<Path> pids;
        try (var s = Files.list(procRoot)) {
            pids = s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        } catch (IOException e) {
            return byNs;
        }
        for (Path p : pids) {
            String ns;
            try {
                ns = Files.readSymbolicLink(p.resolve("ns/mnt")).toString();
            } catch (IOException | RuntimeException e) {
                continue; // gone, or a process we may not look at
            }
            if (byNs.containsKey(ns)) continue;
            int pid = Integer.parseInt(p.getFileName().toString());
            List<Stale> stale = new ArrayList<>();
            try {
                for (Entry e : parse(Files.readString(p.resolve("mountinfo")))) {
                    if (!fstypes.contains(e.fstype()) || e.dev().equals(liveDev)) continue;
                    if (e.target().equals(mountpoint.toString())) continue;
                    stale.add(new Stale(pid, ns, e.target(), e.root()));
                }
            } catch (IOException | RuntimeException e) {
                continue;
            }
            byNs.put(ns, stale);
        }
        return byNs;
    }

    /** Rebinds every stale mount it can; never throws for one namespace's failure. */
    public Report run() throws IOException, InterruptedException {
        String live = liveDev();
        if (live == null) throw new IOException("nothing of type " + fstypes + " is mounted at " + mountpoint);
        Map<String, List<Stale>> byNs = candidates(live);
        List<Stale> done = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (List<Stale> list : byNs.values()) {
            if (list.isEmpty()) continue;
            int nsFd = MountNs.openPath(procRoot.resolve(list.get(0).pid() + "/ns/mnt").toString());
            if (nsFd < 0) {
                failures.add("pid " + list.get(0).pid() + ": cannot open its mount namespace: errno " + -nsFd);
                continue;
            }
            try {
                for (Stale s : list) {
                    String source = mountpoint + (s.root().startsWith("/") ? s.root() : "/" + s.root());
                    if (!Files.exists(Path.of(source))) {
                        failures.add(s.target() + " in pid " + s.pid() + ": no live file " + source);
                        continue;
                    }
                    String err = rebind(nsFd, s, source);
                    if (err == null) done.add(s);
                    else if (!err.isEmpty()) failures.add(s.target() + " in pid " + s.pid() + ": " + err);
                }
            } finally {
                MountNs.close(nsFd);
            }
        }
        return new Report(done, failures, byNs.size());
    }

    /** Null when rebound, "" when the mount turned out to be alive (another daemon's), else the error. */
    private static String rebind(int nsFd, Stale s, String source) throws InterruptedException {
        int tree;
        try {
            tree = MountNs.openTree(source);
        } catch (MountNs.NsException e) {
            return e.getMessage();
        }
        try {
            return MountNs.inNamespace(nsFd, () -> {
                int probe = MountNs.probe(s.target());
                if (probe != ENOTCONN && probe != ECONNABORTED) return "";
                MountNs.umountDetach(s.target());
                try {
                    MountNs.moveMount(tree, s.target());
                    return null;
                } catch (MountNs.NsException e) {
                    return e.getMessage();
                }
            });
        } catch (MountNs.NsException e) {
            return e.getMessage();
        } finally {
            MountNs.close(tree);
        }
    }
}
