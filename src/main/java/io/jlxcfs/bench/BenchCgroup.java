package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jlxcfs.daemon.Log;

/**
 * The cgroup(s) the readers run in, so that each mount renders a container's view. They are
 * created below the bench's own memory cgroup ({@code jlxcfs-bench-PID}; in fleet mode with one child
 * {@code cN} per reader) and removed by {@link #close}, which the shutdown hook also calls. On
 * cgroup v1 the readers also get cgroups of their own in the cpu, cpuacct, cpuset and blkio
 * hierarchies where those are mounted and writable, as a container has: otherwise stat, cpuinfo,
 * uptime and diskstats would render the root cgroup (the host's lines, or the costliest
 * recursive blkio files) instead of a container's.
 *
 * <p>On cgroup v1 a thread can sit in a memory cgroup of its own: writing a TID to a cgroup's
 * {@code tasks} file moves just that thread, so each reader thread moves itself in
 * ({@link #enterThread}) and the JVM's other threads stay where they were. On cgroup v2 the memory
 * controller is not threaded: the whole process moves in ({@code cgroup.procs}), and fleet mode,
 * which needs a cgroup per reader, is not supported there.
 */
public final class BenchCgroup implements AutoCloseable {

    public enum Version { V1, V2 }

    private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");

    /** The controllers besides memory a reader gets a cgroup of its own in (v1). */
    static final java.util.List<String> OTHERS = java.util.List.of("cpu", "cpuacct", "cpuset", "blkio");

    /** One hierarchy's part: where the process started and the cgroup made below it. */
    record Tree(String name, Path original, Path parent) {
    }

    private final Version version;
    private final java.util.List<Tree> trees = new java.util.ArrayList<>();
    private final int count;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BenchCgroup(Version version, int count) {
        this.version = version;
        this.count = count;
    }

    /**
     * Creates {@code jlxcfs-bench-PID} below the caller's memory cgroup with {@code count} reader
     * cgroups (the directory itself when count is 1), each limited to {@code limitBytes}; on v1 the
     * same below the caller's cpu, cpuacct, cpuset and blkio cgroups where it can.
     */
    public static BenchCgroup create(long limitBytes, int count) throws IOException {
        String self = Files.readString(Path.of("/proc/self/cgroup"));
        long pid = ProcessHandle.current().pid();
        String v1 = ownPath(self, "memory");
        Version version = v1 != null && Files.isDirectory(CGROUP_FS.resolve("memory")) ? Version.V1 : Version.V2;
        Path original = version == Version.V1 ? under(CGROUP_FS.resolve("memory"), v1) : under(CGROUP_FS, ownPath(self, ""));
        if (version == Version.V2) {
            if (count > 1) throw new IOException("fleet mode needs cgroup v1 (a memory cgroup per thread); cgroup v2 is not threaded for memory");
            enableMemoryController(original);
        }
        BenchCgroup cg = new BenchCgroup(version, count);
        String name = "jlxcfs-bench-" + pid;
        try {
            cg.trees.add(new Tree("memory", original, original.resolve(name)));
            cg.build(cg.trees.getFirst(), limitBytes);
            if (version == Version.V1) {
                for (Tree t : otherTrees(self, name, CGROUP_FS)) {
                    try {
                        cg.trees.add(t);
                        cg.build(t, limitBytes);
                    } catch (IOException e) {
                        Log.warn("readers stay in %s's cgroup %s (%s): its views are that cgroup's", t.name(), t.original(),
                                e.getMessage());
                        cg.remove(t);
                        cg.trees.remove(t);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            cg.close();
            throw e;
        }
        return cg;
    }

    /**
     * The v1 hierarchies of {@link #OTHERS} the process is in, each once (cpu and cpuacct may be
     * mounted together, as {@code cpu,cpuacct}), with the cgroup to make below its own.
     */
    static java.util.List<Tree> otherTrees(String procSelfCgroup, String name, Path cgroupFs) {
        java.util.List<Tree> out = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String ctl : OTHERS) {
            String mount = hierarchyName(procSelfCgroup, ctl);
            String path = ownPath(procSelfCgroup, ctl);
            if (mount == null || path == null || !seen.add(mount)) continue;
            Path root = cgroupFs.resolve(mount);
            if (!Files.isDirectory(root)) continue;
            Path original = under(root, path);
            out.add(new Tree(mount, original, original.resolve(name)));
        }
        return out;
    }

    /** The controller list of {@code controller}'s v1 line in /proc/self/cgroup ("cpu,cpuacct"), or null. */
    static String hierarchyName(String procSelfCgroup, String controller) {
        String[] f = line(procSelfCgroup, controller);
        return f == null ? null : f[1];
    }

    private void build(Tree t, long limitBytes) throws IOException {
        Files.createDirectory(t.parent());
        inherit(t, t.parent());
        if (count == 1) {
            if (t.name().equals("memory")) limit(t.parent(), limitBytes);
            return;
        }
        for (int i = 0; i < count; i++) {
            Path d = dir(t, i);
            Files.createDirectory(d);
            inherit(t, d);
            if (t.name().equals("memory")) limit(d, limitBytes);
        }
    }

    /** A v1 cpuset takes no task before it has CPUs and memory nodes: its parent's. */
    private static void inherit(Tree t, Path dir) throws IOException {
        if (!java.util.Arrays.asList(t.name().split(",")).contains("cpuset")) return;
        for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            Files.writeString(dir.resolve(f), Files.readString(dir.getParent().resolve(f)).trim());
        }
    }

    private void limit(Path dir, long bytes) throws IOException {
        Files.writeString(dir.resolve(version == Version.V1 ? "memory.limit_in_bytes" : "memory.max"), Long.toString(bytes));
    }

    private static void enableMemoryController(Path own) {
        try {
            Files.writeString(own.resolve("cgroup.subtree_control"), "+memory");
        } catch (IOException e) {
            Log.warn("cannot enable the memory controller below %s (%s): the readers' limit may not apply", own, e.getMessage());
        }
    }

    /** The path of {@code controller}'s hierarchy in /proc/self/cgroup ("" for the v2 line), or null. */
    static String ownPath(String procSelfCgroup, String controller) {
        String[] f = line(procSelfCgroup, controller);
        return f == null ? null : f[2];
    }

    /** {@code controller}'s line of /proc/self/cgroup as {id, controllers, path} ("" for the v2 line), or null. */
    private static String[] line(String procSelfCgroup, String controller) {
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            boolean match = controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : java.util.Arrays.asList(f[1].split(",")).contains(controller);
            if (match) return f;
        }
        return null;
    }

    private static Path under(Path root, String rel) {
        if (rel == null) throw new IllegalStateException("no memory cgroup in /proc/self/cgroup");
        return rel.equals("/") ? root : root.resolve(rel.substring(1));
    }

    public Version version() {
        return version;
    }

    /** Reader cgroup {@code i} (the memory one). */
    public Path dir(int i) {
        return dir(trees.getFirst(), i);
    }

    private Path dir(Tree t, int i) {
        return count == 1 ? t.parent() : t.parent().resolve("c" + i);
    }

    /**
     * Moves the calling thread into reader cgroup {@code i} (v1: its TID into {@code tasks} of each
     * hierarchy's); on v2 moves the whole process into the reader cgroup.
     */
    public void enterThread(int i) throws IOException {
        if (version == Version.V1) {
            String tid = currentTid();
            for (Tree t : trees) Files.writeString(dir(t, i).resolve("tasks"), tid);
        } else {
            Files.writeString(dir(0).resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        }
    }

    /** Moves every thread of the process back where it started. */
    public void leave() {
        for (Tree t : trees) {
            try {
                Files.writeString(t.original().resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
            } catch (IOException e) {
                Log.warn("cannot move back to %s: %s", t.original(), e.getMessage());
            }
        }
    }

    /** The calling thread's TID, from the /proc/thread-self link ("PID/task/TID"). */
    static String currentTid() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
    }

    /** Moves everything back and removes the cgroups; idempotent (the shutdown hook calls it too). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        leave();
        for (Tree t : trees.reversed()) remove(t);
    }

    private void remove(Tree t) {
        if (count > 1) for (int i = 0; i < count; i++) rmdir(dir(t, i));
        rmdir(t.parent());
    }

    /** rmdir, retried while exiting threads still count as members (EBUSY). */
    private static void rmdir(Path dir) {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (FileSystemException e) {
                if (attempt >= 100) {
                    Log.warn("cannot remove %s: %s", dir, e.getMessage());
                    return;
                }
                sleep(20);
            } catch (IOException e) {
                Log.warn("cannot remove %s: %s", dir, e.getMessage());
                return;
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
