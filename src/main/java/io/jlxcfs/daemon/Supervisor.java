package io.jlxcfs.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.jlxcfs.os.ListenFd;
import io.jlxcfs.os.MountNs;
import io.jlxcfs.os.NotifySocket;

/**
 * systemd's part for hosts without it (a Kubernetes pod, a plain init script): a notify socket and
 * an fd store for one daemon, which it restarts when it dies. The daemon stores its /dev/fuse
 * connection here exactly as it would with systemd; a restarted daemon fetches the stored fds with
 * {@code pidfd_getfd} (a JVM cannot pass extra fds to a child), from the pid and fd numbers in
 * {@value #ENV_PID} and {@value #ENV_FDS}.
 */
final class Supervisor {

    static final String ENV_PID = "JLXCFS_FDSTORE_PID";
    static final String ENV_FDS = "JLXCFS_FDSTORE";

    private final List<String> command;
    private final Path mountpoint;
    private final Path runtimeDir;
    private final List<ListenFd> store = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Process child;

    Supervisor(List<String> command, Path mountpoint, Path runtimeDir) {
        this.command = command;
        this.mountpoint = mountpoint;
        this.runtimeDir = runtimeDir;
    }

    /** Runs until SIGTERM/SIGINT (then stops the daemon, drops the store and unmounts). */
    int run() throws IOException, InterruptedException {
        Files.createDirectories(runtimeDir);
        Path sock = runtimeDir.resolve("jlxcfs-supervise-" + ProcessHandle.current().pid() + ".sock");
        Files.deleteIfExists(sock);
        try (NotifySocket ns = NotifySocket.bind(sock)) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::onSignal, "jlxcfs-supervise-stop"));
            int rc = 0;
            long[] recent = new long[5];
            int starts = 0;
            while (!stopping) {
                long now = System.nanoTime();
                if (starts >= recent.length && now - recent[starts % recent.length] < TimeUnit.SECONDS.toNanos(10)) {
                    Log.error("the daemon died %d times within 10 s; giving up", recent.length);
                    rc = 1;
                    break;
                }
                recent[starts++ % recent.length] = now;
                child = spawn(sock);
                Log.info("started daemon pid %d (store: %s)", child.pid(), names());
                while (child.isAlive()) {
                    NotifySocket.Message m = ns.receive(100);
                    if (m != null) handle(m);
                }
                rc = child.exitValue();
                if (stopping) break;
                Log.warn("daemon pid %d exited with %d; restarting", child.pid(), rc);
                Thread.sleep(100);
            }
            cleanUp();
            return stopping ? 0 : rc;
        }
    }

    private Process spawn(Path sock) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        Map<String, String> env = pb.environment();
        env.put("NOTIFY_SOCKET", sock.toString());
        env.remove("LISTEN_FDS");
        env.remove("LISTEN_PID");
        env.remove("LISTEN_FDNAMES");
        synchronized (store) {
            if (store.isEmpty()) {
                env.remove(ENV_PID);
                env.remove(ENV_FDS);
            } else {
                env.put(ENV_PID, Long.toString(ProcessHandle.current().pid()));
                env.put(ENV_FDS, store.stream().map(f -> f.fd() + ":" + f.name()).collect(Collectors.joining(",")));
            }
        }
        return pb.start();
    }

    private void handle(NotifySocket.Message m) {
        boolean fdstore = false;
        String name = "stored";
        for (String line : m.text().split("\n")) {
            if (line.equals("FDSTORE=1")) fdstore = true;
            else if (line.startsWith("FDNAME=")) name = line.substring(7);
            else if (line.startsWith("STATUS=")) Log.info("daemon: %s", line.substring(7));
            else if (line.equals("READY=1")) Log.info("daemon ready");
        }
        synchronized (store) {
            for (int fd : m.fds()) {
                if (fdstore) store.add(new ListenFd(fd, name));
                else MountNs.close(fd);
            }
        }
    }

    private String names() {
        synchronized (store) {
            return store.isEmpty() ? "empty" : store.stream().map(ListenFd::name).collect(Collectors.joining(","));
        }
    }

    private void onSignal() {
        stopping = true;
        Process c = child;
        if (c != null && c.isAlive()) {
            c.destroy();
            try {
                if (!c.waitFor(10, TimeUnit.SECONDS)) c.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cleanUp();
        Runtime.getRuntime().halt(0);
    }

    /** A stop: the stored connection goes, and so does its mount (nothing dead stays mounted). */
    private void cleanUp() {
        synchronized (store) {
            for (ListenFd f : store) MountNs.close(f.fd());
            if (!store.isEmpty() && mountpoint != null) {
                int rc = MountNs.umountDetach(mountpoint.toString());
                if (rc == 0) Log.info("unmounted %s", mountpoint);
            }
            store.clear();
        }
    }

    /** The daemon's side: the fds a supervisor keeps for it, duplicated into this process. */
    static List<ListenFd> storedFds() {
        String pid = System.getenv(ENV_PID), fds = System.getenv(ENV_FDS);
        if (pid == null || fds == null || fds.isBlank()) return List.of();
        List<ListenFd> out = new ArrayList<>();
        for (String item : fds.split(",")) {
            int colon = item.indexOf(':');
            if (colon <= 0) continue;
            try {
                int mine = io.jlxcfs.os.FdGrab.grab(Long.parseLong(pid), Integer.parseInt(item.substring(0, colon)));
                if (mine >= 0) out.add(new ListenFd(mine, item.substring(colon + 1)));
                else Log.warn("cannot fetch stored fd %s from supervisor %s: errno %d", item, pid, -mine);
            } catch (NumberFormatException e) {
                Log.warn("malformed %s entry %s", ENV_FDS, item);
            }
        }
        return out;
    }
}
