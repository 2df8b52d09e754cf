package io.jlxcfs.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.jlxcfs.cache.OpenFiles;
import io.jlxcfs.cache.ViewCache;
import io.jlxcfs.fuse.FuseServer;
import io.jlxcfs.os.ListenFd;
import io.jlxcfs.os.MountNs;
import io.jlxcfs.os.Pidfile;
import io.jlxcfs.os.SdNotify;
import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Tree;

/**
 * The daemon's lifecycle: pidfile, views, the FUSE session (fresh mount, or the live connection a
 * previous daemon left in systemd's fd store), serve, tear down in reverse order.
 */
final class Daemon {

    private static final int ENOTCONN = 107, ECONNABORTED = 103;

    private Daemon() {
    }

    static int run(DaemonCommand o) throws IOException {
        Log.setDebug(o.debug);
        Path mnt = o.mountpoint.toAbsolutePath().normalize();
        warnIgnored(o);
        Path pidPath = o.pidfile != null ? o.pidfile : o.runtimeDir.resolve("jlxcfs.pid");
        try (Pidfile pid = Pidfile.acquire(pidPath)) {
            // a connection kept in the fd store comes first: while it waits for us, any access to
            // the mountpoint (even a stat) would block on the very daemon we are about to become
            List<ListenFd> kept = new ArrayList<>(SdNotify.listenFds());
            kept.addAll(Supervisor.storedFds());
            kept.addAll(Reexec.inherited());
            Handover.Stored stored = Handover.fromStore(kept, mnt);
            FuseServer.Connection conn;
            if (stored != null) {
                conn = new FuseServer.Connection.TakeOver(mnt.toString(), stored.fuseFd(), stored.init());
                Log.info("taking over the live FUSE connection of %s", mnt);
            } else {
                clearDeadMount(mnt);
                if (!Files.exists(mnt, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createDirectories(mnt); // as the lxcfs unit's mkdir -p /var/lib/lxcfs
                    } catch (IOException e) {
                        Log.error("cannot create mountpoint %s: %s", mnt, e.getMessage());
                        return 1;
                    }
                }
                if (!Files.isDirectory(mnt)) {
                    Log.error("mountpoint %s is not a directory", mnt);
                    return 1;
                }
                conn = new FuseServer.Connection.Fresh(mnt.toString());
            }
            return serve(o, mnt, conn, stored != null && (Reexec.inherited().isEmpty() || Reexec.inStore()), pidPath);
        } catch (Pidfile.HeldException e) {
            Log.error("%s", e.getMessage());
            return 1;
        }
    }

    private static int serve(DaemonCommand o, Path mnt, FuseServer.Connection conn, boolean fromStore, Path pidPath) {
        ViewConfig vc = new ViewConfig(o.cgroupRoot, o.procRoot, o.sysRoot, !o.disableSwap, !o.disableZswap, o.cfs, o.loadavg);
        AtomicBoolean inStore = new AtomicBoolean(fromStore);
        AtomicReference<FuseServer> self = new AtomicReference<>();
        AtomicBoolean reload = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        OpenFiles files = new OpenFiles(o.procRoot, OpenFiles.defaultCap());
        Views views = new Views(vc, files);
        if (!views.cgroupReader().hierarchies().isV2()) {
            Log.info(io.jlxcfs.os.CgroupStats.available()
                    ? "/proc/stat running/blocked: counted by the kernel (taskstats)"
                    : "/proc/stat running/blocked: counted thread by thread (the kernel's taskstats does not answer)");
        }
        try (ViewCache cache = new ViewCache(views, files, o.procRoot, o.freshnessMs * 1_000_000L, o.cacheMax, System::nanoTime).start()) {
            SignalHooks.on("USR1", () -> {
                FuseServer s = self.get();
                if (s == null || s.stopping()) return;
                reload.set(true);
                SdNotify.notify("RELOADING=1\nSTATUS=reloading");
                s.keepConnectionOnStop(true);
                s.stop();
            });
            if (SignalHooks.vmSuspendsWithUsr2(System.getenv("_JAVA_SR_SIGNUM"))) {
                Log.warn("this JVM suspends threads with SIGUSR2, the passthrough toggle: a profiler (JFR) "
                        + "would flip passthrough on and off; start the daemon with _JAVA_SR_SIGNUM=40 "
                        + "(the launcher and the unit do)");
            }
            SignalHooks.on("USR2", () -> {
                views.setPassthrough(!views.isPassthrough());
                cache.clear();
                Log.info("SIGUSR2: %s", views.isPassthrough() ? "serving host files (passthrough)" : "virtualising again");
            });
            Tree tree = new Tree(o.sysRoot);
            FuseServer.Config fc = new FuseServer.Config(conn, o.fuseOptions, o.threads, o.debug, o.libfuseLoop);
            FuseServer.Hooks hooks = new FuseServer.Hooks(
                    init -> {
                        FuseServer s = self.get();
                        if (!inStore.get() && s != null && Handover.store(s.fd(), init, mnt)) inStore.set(true);
                    },
                    () -> {
                        SdNotify.notify("READY=1\nSTATUS=serving " + mnt + "\nMAINPID=" + ProcessHandle.current().pid());
                        // the version: after an upgrade (reload, restart) the journal says which jar serves
                        Log.info("serving %s (version %s)", mnt, DaemonCommand.Version.version());
                    });
            try (FuseServer server = new FuseServer(fc, tree, cache, new Handles(), hooks)) {
                self.set(server);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> onSignal(server, inStore, done), "jlxcfs-shutdown"));
                server.start();
                startWatchdog(server, mnt);
                Path statsFile = StatsWriter.statsPath(pidPath);
                Thread stats = StatsWriter.start(statsFile, () -> stats(cache, server));
                int rc = server.loop();
                stats.interrupt();
                StatsWriter.remove(statsFile);
                if (reload.get() && server.keptFd() >= 0 && server.init() != null) {
                    try {
                        Reexec.exec(server.keptFd(), server.init(), mnt, inStore.get());
                    } catch (IOException | RuntimeException e) {
                        Log.error("reload failed (%s); exiting so that the service manager restarts us", e.getMessage());
                        return 1;
                    }
                }
                Log.info("stopped (loop result %d)", rc);
            } finally {
                done.countDown();
            }
        }
        return 0;
    }

    private static java.util.Map<String, Object> stats(ViewCache cache, FuseServer server) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("cache", cache.stats());
        FuseServer.Counters c = server.counters();
        m.put("requests", java.util.Map.of("total", c.requests.sum(), "reads", c.reads.sum(),
                "renders", c.renders.sum(), "errors", c.errors.sum()));
        m.put("causes", Log.causeCounts());
        Runtime rt = Runtime.getRuntime();
        m.put(StatsWriter.HEAP, java.util.Map.of("used", rt.totalMemory() - rt.freeMemory(), "committed", rt.totalMemory()));
        return m;
    }

    /**
     * A jlxcfs mount whose daemon died without a store leaves a dead mount that would shadow the
     * new one's users: detach it first ({@code jlxcfs remount} then fixes containers).
     */
    private static void clearDeadMount(Path mnt) {
        int probe = MountNs.probe(mnt.resolve("proc").toString());
        if (probe == ENOTCONN || probe == ECONNABORTED) {
            int rc = MountNs.umountDetach(mnt.toString());
            Log.info("detached a dead mount at %s%s", mnt, rc == 0 ? "" : " (errno " + rc + ")");
        }
    }

    /**
     * SIGTERM/SIGINT: stop the loop and let the main thread tear down. With the connection in the
     * fd store the mount stays for the next daemon (a hand-over); otherwise it is unmounted. Exits
     * 0 (the JVM would report 143), after at most 5 s.
     */
    private static void onSignal(FuseServer server, AtomicBoolean inStore, CountDownLatch done) {
        if (done.getCount() == 0) return;
        boolean handOver = inStore.get();
        SdNotify.notify("STOPPING=1\nSTATUS=" + (handOver ? "handing the connection over" : "unmounting"));
        server.keepConnectionOnStop(handOver);
        server.stop();
        try {
            if (!done.await(5, TimeUnit.SECONDS)) {
                Log.warn("teardown did not finish within 5 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * With WatchdogSec= set, pings at half the interval while the mount answers: a stat through
     * the mount on this thread stalls when every worker is wedged, and systemd then restarts us
     * (taking the connection over).
     */
    private static void startWatchdog(FuseServer server, Path mnt) {
        OptionalLong us = SdNotify.watchdogIntervalMicros();
        if (us.isEmpty()) return;
        long periodMs = Math.max(100, us.getAsLong() / 2000);
        Thread.ofPlatform().daemon().name("jlxcfs-watchdog").start(() -> {
            while (!server.stopping()) {
                try {
                    Thread.sleep(periodMs);
                    if (Files.exists(mnt.resolve("proc/meminfo"))) SdNotify.watchdogPing();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    Log.once(Log.WARNING, "watchdog", "watchdog check failed: %s", e);
                }
            }
        });
    }

    private static void warnIgnored(DaemonCommand o) {
        if (o.enablePidfd) Log.warn("--enable-pidfd: accepted for lxcfs compatibility; jlxcfs validates cached pids by start time");
        if (o.enableCgroup) Log.warn("--enable-cgroup: accepted for lxcfs compatibility; jlxcfs serves no /cgroup tree");
        if (o.enablePsiPoll) Log.warn("--enable-psi-poll: accepted for lxcfs compatibility; PSI triggers are not supported");
        if (o.legacyS) Log.warn("-s: legacy lxcfs option, ignored");
    }
}
