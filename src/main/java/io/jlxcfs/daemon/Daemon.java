package io.jlxcfs.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.jlxcfs.fuse.FuseServer;
import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Tree;

/** The daemon's lifecycle: set up in order, serve, tear down in reverse order. */
final class Daemon {

    private Daemon() {
    }

    static int run(DaemonCommand o) {
        Log.setDebug(o.debug);
        Path mnt = o.mountpoint.toAbsolutePath().normalize();
        if (!Files.isDirectory(mnt)) {
            Log.error("mountpoint %s is not a directory", mnt);
            return 1;
        }
        warnIgnored(o);
        ViewConfig vc = new ViewConfig(o.cgroupRoot, o.procRoot, o.sysRoot, !o.disableSwap, !o.disableZswap, o.cfs, o.loadavg);
        CountDownLatch done = new CountDownLatch(1);
        try (Views views = new Views(vc)) {
            Tree tree = new Tree(o.sysRoot);
            FuseServer.Config fc = new FuseServer.Config(new FuseServer.Connection.Fresh(mnt.toString()),
                    o.fuseOptions, o.threads, o.debug);
            try (FuseServer server = new FuseServer(fc, tree, views, new Handles(), init -> { })) {
                Thread hook = new Thread(() -> onSignal(server, done), "jlxcfs-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                server.start();
                Log.info("serving %s", mnt);
                int rc = server.loop();
                Log.info("stopped (loop result %d)", rc);
            } finally {
                done.countDown();
            }
        }
        return 0;
    }

    /**
     * SIGTERM/SIGINT: stop the loop, let the main thread unmount and destroy, and exit 0 (the JVM
     * would otherwise report 143). Gives up after 5 s: process exit then closes /dev/fuse.
     */
    private static void onSignal(FuseServer server, CountDownLatch done) {
        if (done.getCount() == 0) return;
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

    private static void warnIgnored(DaemonCommand o) {
        if (o.enablePidfd) Log.warn("--enable-pidfd: accepted for lxcfs compatibility; jlxcfs validates cached pids by start time");
        if (o.enableCgroup) Log.warn("--enable-cgroup: accepted for lxcfs compatibility; jlxcfs serves no /cgroup tree");
        if (o.enablePsiPoll) Log.warn("--enable-psi-poll: accepted for lxcfs compatibility; PSI triggers are not supported");
        if (o.legacyS) Log.warn("-s: legacy lxcfs option, ignored");
    }
}
