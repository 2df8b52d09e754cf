package io.jlxcfs.integration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jlxcfs.vfs.VirtualFile;

/**
 * One file bind mount from the jlxcfs mount into a container: {@code source} on the host (below
 * the mount root), {@code target} inside the container ("/proc/meminfo"), and a volume name usable
 * as a Kubernetes DNS label ("jlxcfs-proc-meminfo").
 */
public record Bind(VirtualFile file, String source, String target, String volumeName) {

    /** The default lxcfs mount root. */
    public static final String DEFAULT_ROOT = "/var/lib/lxcfs";

    /** The bind for one virtual file below {@code root}. */
    public static Bind of(String root, VirtualFile f) {
        String r = root.endsWith("/") && root.length() > 1 ? root.substring(0, root.length() - 1) : root;
        return new Bind(f, r + "/" + f.path(), "/" + f.path(), volumeName(f));
    }

    /** "jlxcfs-" plus the path with '/' and '.' turned into '-'. */
    public static String volumeName(VirtualFile f) {
        return "jlxcfs-" + f.path().replace('/', '-').replace('.', '-');
    }

    /** Binds for the given files, in their declaration order. */
    public static List<Bind> of(String root, List<VirtualFile> files) {
        List<Bind> out = new ArrayList<>();
        for (VirtualFile f : files) out.add(of(root, f));
        return List.copyOf(out);
    }

    /** Binds for every virtual file that exists as a regular file below {@code root}. */
    public static List<Bind> existing(Path root) {
        List<Bind> out = new ArrayList<>();
        for (VirtualFile f : VirtualFile.values()) {
            if (Files.isRegularFile(root.resolve(f.path()))) out.add(of(root.toString(), f));
        }
        return List.copyOf(out);
    }

    /**
     * The files lxcfs users mount by default (cpuinfo, diskstats, loadavg, meminfo, stat, swaps,
     * uptime, cpu/online): those exist on every kernel. slabinfo and pressure/* are opt-in because
     * a hostPath of type File fails when a node lacks them.
     */
    public static List<VirtualFile> commonFiles() {
        return List.of(VirtualFile.PROC_CPUINFO, VirtualFile.PROC_DISKSTATS, VirtualFile.PROC_LOADAVG,
                VirtualFile.PROC_MEMINFO, VirtualFile.PROC_STAT, VirtualFile.PROC_SWAPS, VirtualFile.PROC_UPTIME,
                VirtualFile.SYS_CPU_ONLINE);
    }
}
