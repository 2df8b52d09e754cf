package io.jlxcfs.view.extra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * Real cgroups for tests, created only below this process's own cgroup, named {@code jlxcfs-test-*},
 * and removed (after killing the processes the test started in them) on {@link #close()}.
 */
final class TestCgroups implements AutoCloseable {

    static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final Deque<Path> dirs = new ArrayDeque<>();
    private final List<Process> procs = new ArrayList<>();

    /** The directory of this process's cgroup in v1 controller {@code ctl} ("" for the cgroup2 hierarchy). */
    static Path own(String ctl) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
            String[] f = line.split(":", 3);
            boolean match = ctl.isEmpty() ? f[0].equals("0") && f[1].isEmpty() : List.of(f[1].split(",")).contains(ctl);
            if (match) return ROOT.resolve(ctl.isEmpty() ? "unified" : ctl).resolve(f[2].substring(1));
        }
        throw new IOException("no " + ctl + " hierarchy");
    }

    static boolean available(String ctl) {
        try {
            return Files.isWritable(own(ctl));
        } catch (IOException e) {
            return false;
        }
    }

    Path create(String ctl, String name) throws IOException {
        Path p = Files.createDirectory(own(ctl).resolve("jlxcfs-test-" + name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        dirs.push(p);
        return p;
    }

    /** A cgroup below one this instance made (removed before it). */
    Path createChild(Path parent, String name) throws IOException {
        if (!dirs.contains(parent)) throw new IllegalArgumentException(parent + " is not ours");
        Path p = Files.createDirectory(parent.resolve(name));
        dirs.push(p);
        return p;
    }

    /** Starts {@code sh -c script} after moving the shell into every cgroup in {@code into}. */
    Process start(String script, Path... into) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path p : into) sb.append("echo $$ > ").append(p.resolve("cgroup.procs")).append(" && ");
        Process pr = new ProcessBuilder("sh", "-c", sb + script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        procs.add(pr);
        return pr;
    }

    /** The processes started so far. */
    List<Process> procs() {
        return procs;
    }

    @Override
    public void close() {
        for (Process p : procs) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : procs) p.onExit().join();
        while (!dirs.isEmpty()) {
            Path d = dirs.pop();
            for (int i = 0; i < 50; i++) {
                try {
                    Files.deleteIfExists(d);
                    break;
                } catch (IOException e) {
                    pause();   // the killed tasks are still leaving the cgroup
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
