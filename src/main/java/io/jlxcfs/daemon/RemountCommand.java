package io.jlxcfs.daemon;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlxcfs remount [MOUNTPOINT]}: rebind dead jlxcfs bind mounts in every mount namespace. */
@Command(name = "remount", mixinStandardHelpOptions = true,
        description = {"Find every mount namespace holding bind mounts of a dead jlxcfs connection "
                + "and bind the live files from MOUNTPOINT over them again.",
                "Run after a start that could not take over the old connection (the unit does)."})
public final class RemountCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "MOUNTPOINT", description = "The live mount (default: ${DEFAULT-VALUE}).")
    Path mountpoint = Path.of("/var/lib/lxcfs");

    @Option(names = "--root", paramLabel = "MOUNTPOINT", description = "Same as the MOUNTPOINT argument.")
    void root(Path p) {
        mountpoint = p;
    }

    @Option(names = "--also-lxcfs", description = "Also rebind dead fuse.lxcfs mounts (replacing lxcfs by jlxcfs).")
    boolean alsoLxcfs;

    @Option(names = "--proc-root", hidden = true)
    Path procRoot = Path.of("/proc");

    @Override
    public Integer call() throws Exception {
        List<String> types = alsoLxcfs ? List.of("fuse.jlxcfs", "fuse.lxcfs") : List.of("fuse.jlxcfs");
        Remount.Report r = new Remount(procRoot, mountpoint, types).run();
        for (Remount.Stale s : r.rebound()) {
            System.out.println("rebound " + s.target() + " (pid " + s.pid() + ", " + s.ns() + ")");
        }
        for (String f : r.failures()) System.err.println("jlxcfs remount: " + f);
        System.out.println(r.rebound().size() + " mounts rebound in " + r.namespaces() + " mount namespaces");
        return r.failures().isEmpty() ? 0 : 1;
    }
}
