package io.jlxcfs.vfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The mounted tree: LXCFS's layout ({@code proc/...}, {@code sys/devices/system/cpu/online}) with
 * the rest of the host's {@code /sys/devices/system/cpu} passed through below it.
 */
public final class Tree {

    public static final long ROOT = 1;
    static final long PROC = 2, SYS = 3, SYS_DEVICES = 4, SYS_SYSTEM = 5, SYS_CPU = 6, PROC_PRESSURE = 7;
    private static final long VIRTUAL_BASE = 16;
    /** Host passthrough inodes live above this bit, derived from a hash of their path. */
    private static final long HOST_BIT = 1L << 40;

    private final Path hostCpuDir;
    private final Path sysRoot;
    private final Map<Long, Node> byIno = new ConcurrentHashMap<>();
    private final Map<Long, Map<String, Node>> fixedChildren = new LinkedHashMap<>();

    /** @param sysRoot the host's sysfs ({@code /sys}); {@code devices/system/cpu} below it is passed through */
    public Tree(Path sysRoot) {
        this.sysRoot = sysRoot;
        this.hostCpuDir = sysRoot.resolve("devices/system/cpu");
        dir(ROOT, ROOT, "", 0755);
        dir(PROC, ROOT, "proc", 0555);
        dir(SYS, ROOT, "sys", 0555);
        dir(SYS_DEVICES, SYS, "devices", 0555);
        dir(SYS_SYSTEM, SYS_DEVICES, "system", 0555);
        byIno.put(SYS_CPU, new Node(SYS_CPU, SYS_SYSTEM, "cpu", Node.Kind.HOST_DIR, null, hostCpuDir, 0755));
        child(SYS_SYSTEM, byIno.get(SYS_CPU));
        dir(PROC_PRESSURE, PROC, "pressure", 0555);
        for (VirtualFile vf : VirtualFile.values()) {
            String p = vf.path();
            long parent = p.startsWith("proc/pressure/") ? PROC_PRESSURE : p.startsWith("proc/") ? PROC : SYS_CPU;
            String name = p.substring(p.lastIndexOf('/') + 1);
            Node n = new Node(VIRTUAL_BASE + vf.ordinal(), parent, name, Node.Kind.VIRTUAL, vf, null, vf.mode());
            byIno.put(n.ino(), n);
            child(parent, n);
        }
    }

    private void dir(long ino, long parent, String name, int mode) {
        Node n = new Node(ino, parent, name, Node.Kind.DIR, null, null, mode);
        byIno.put(ino, n);
        if (ino != parent) child(parent, n);
    }

    private void child(long parent, Node n) {
        fixedChildren.computeIfAbsent(parent, k -> new LinkedHashMap<>()).put(n.name(), n);
    }

    /** The host sysfs this tree passes through. */
    public Path sysRoot() {
        return sysRoot;
    }

    /** The node with this inode number, or null (an inode the kernel kept from an earlier daemon resolves too). */
    public Node get(long ino) {
        return byIno.get(ino);
    }

    /** Looks up {@code name} in directory {@code parent}; null when there is no such entry. */
    public Node lookup(long parent, String name) {
        Map<String, Node> fixed = fixedChildren.get(parent);
        if (fixed != null) {
            Node n = fixed.get(name);
            if (n != null) return n;
        }
        Node dir = byIno.get(parent);
        if (dir == null || dir.kind() != Node.Kind.HOST_DIR || name.contains("/") || name.equals(".") || name.equals("..")) {
            return null;
        }
        return hostChild(dir, dir.hostPath().resolve(name));
    }

    /** The entries of a directory, without "." and ".." (the caller adds them once). */
    public List<Node> list(long ino) {
        Node dir = byIno.get(ino);
        if (dir == null || !dir.isDir()) return List.of();
        Map<String, Node> fixed = fixedChildren.getOrDefault(ino, Map.of());
        List<Node> out = new ArrayList<>(fixed.values());
        if (dir.kind() == Node.Kind.HOST_DIR) {
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir.hostPath())) {
                entries = new ArrayList<>(s.toList());
            } catch (IOException | RuntimeException e) {
                entries = List.of();
            }
            Collections.sort(entries);
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (fixed.containsKey(name)) continue;
                Node n = hostChild(dir, p);
                if (n != null) out.add(n);
            }
        }
        return out;
    }

    private Node hostChild(Node dir, Path p) {
        Node.Kind kind;
        int mode;
        try {
            if (Files.isSymbolicLink(p)) {
                kind = Node.Kind.HOST_LINK;
                mode = 0777;
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                kind = Node.Kind.HOST_DIR;
                mode = 0555;
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                kind = Node.Kind.HOST_FILE;
                mode = Files.isReadable(p) ? 0444 : 0400;
                Object perms = Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                if (perms instanceof Integer m) mode = m & 0444;
            } else {
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        long ino = hostIno(p);
        Node n = new Node(ino, dir.ino(), p.getFileName().toString(), kind, null, p, mode);
        Node prev = byIno.putIfAbsent(ino, n);
        return prev != null && prev.hostPath().equals(p) ? prev : n;
    }

    /** A stable inode number for a host path (FNV-1a of its path relative to the passed-through dir). */
    long hostIno(Path p) {
        String rel = hostCpuDir.relativize(p).toString();
        long h = 0xcbf29ce484222325L;
        for (byte b : rel.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return HOST_BIT | (h & (HOST_BIT - 1));
    }
}
