package io.jlxcfs.bench;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import io.jlxcfs.daemon.Log;

/**
 * The memory cgroup(s) the readers run in, so that each mount renders a container's view. They are
 * created below the bench's own memory cgroup ({@code jlxcfs-bench-PID}; in fleet mode with one child
 * {@code cN} per reader) and removed by {@link #close}, which the shutdown hook also calls.
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

    private final Version version;
    private final Path original;
    private final Path parent;
    private final int count;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BenchCgroup(Version version, Path original, Path parent, int count) {
        this.version = version;
        this.original = original;
        this.parent = parent;
        this.count = count;
    }

    /**
     * Creates {@code jlxcfs-bench-PID} below the caller's memory cgroup with {@code count} reader
     * cgroups (the directory itself when count is 1), each limited to {@code limitBytes}.
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
        BenchCgroup cg = new BenchCgroup(version, original, original.resolve("jlxcfs-bench-" + pid), count);
        try {
            cg.build(limitBytes);
        } catch (IOException | RuntimeException e) {
            cg.close();
            throw e;
        }
        return cg;
    }

    private void build(long limitBytes) throws IOException {
        Files.createDirectory(parent);
        if (count == 1) {
            limit(parent, limitBytes);
            return;
        }
        for (int i = 0; i < count; i++) {
            Files.createDirectory(dir(i));
            limit(dir(i), limitBytes);
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
        for (String line : procSelfCgroup.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) continue;
            boolean match = controller.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : java.util.Arrays.asList(f[1].split(",")).contains(controller);
            if (match) return f[2];
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

    /** Reader cgroup {@code i}. */
    public Path dir(int i) {
        return count == 1 ? parent : parent.resolve("c" + i);
    }

    /**
     * Moves the calling thread into reader cgroup {@code i} (v1: its TID into {@code tasks}); on v2
     * moves the whole process into the reader cgroup.
     */
    public void enterThread(int i) throws IOException {
        if (version == Version.V1) {
            Files.writeString(dir(i).resolve("tasks"), currentTid());
        } else {
            Files.writeString(dir(0).resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        }
    }

    /** Moves every thread of the process back where it started. */
    public void leave() {
        try {
            Files.writeString(original.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            Log.warn("cannot move back to %s: %s", original, e.getMessage());
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
        if (count > 1) for (int i = 0; i < count; i++) rmdir(dir(i));
        rmdir(parent);
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
