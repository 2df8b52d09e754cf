package io.jlxcfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real cgroup v1 memory cgroup below this process's own (the only place tests may create
 * them), removed on close after moving any task it still holds back to the parent.
 */
public final class TestCgroup implements AutoCloseable {

    private final Path dir;
    private final Path parent;

    private TestCgroup(Path dir, Path parent) {
        this.dir = dir;
        this.parent = parent;
    }

    /** The memory controller directory of this process's own cgroup. */
    public static Path ownMemoryDir() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            for (String c : f[1].split(",")) {
                if (c.equals("memory")) return Path.of("/sys/fs/cgroup/memory" + f[2]);
            }
        }
        throw new IOException("no v1 memory controller");
    }

    public static boolean v1MemoryAvailable() {
        try {
            return Files.isDirectory(ownMemoryDir());
        } catch (IOException e) {
            return false;
        }
    }

    public static TestCgroup memory(String name, long limitBytes) throws IOException {
        Path parent = ownMemoryDir();
        Path d = parent.resolve("jlxcfs-test-" + name + "-" + ProcessHandle.current().pid());
        Files.createDirectories(d);
        TestCgroup cg = new TestCgroup(d, parent);
        if (limitBytes > 0) cg.write("memory.limit_in_bytes", Long.toString(limitBytes));
        return cg;
    }

    public Path dir() {
        return dir;
    }

    public void write(String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value);
    }

    /** Moves one thread (v1 allows per-thread membership) or, with cgroup.procs, a process. */
    public void addTask(long tid) throws IOException {
        Files.writeString(dir.resolve("tasks"), Long.toString(tid));
    }

    public void addProcess(long pid) throws IOException {
        Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
    }

    /** The calling thread's kernel tid. */
    public static long currentTid() throws IOException {
        return Long.parseLong(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
    }

    @Override
    public void close() throws IOException {
        List<String> tasks = new ArrayList<>();
        try {
            tasks = Files.readAllLines(dir.resolve("tasks"));
        } catch (IOException e) {
            // gone already
        }
        for (String t : tasks) {
            try {
                Files.writeString(parent.resolve("tasks"), t.trim());
            } catch (IOException e) {
                // the task exited meanwhile
            }
        }
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
