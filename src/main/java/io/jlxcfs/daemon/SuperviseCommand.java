package io.jlxcfs.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jlxcfs supervise [--mountpoint MNT] -- CMD...}: an fd store and restarter without systemd. */
@Command(name = "supervise", mixinStandardHelpOptions = true,
        description = {"Run a jlxcfs daemon with an fd store and restart it when it dies, as systemd does, "
                + "so a crash or an upgrade does not disconnect containers (for hosts and pods without systemd).",
                "SIGTERM stops the daemon, drops the stored connection and unmounts."})
public final class SuperviseCommand implements Callable<Integer> {

    @Option(names = "--mountpoint", paramLabel = "MNT", description = "Unmounted on stop (default: the command's last argument).")
    Path mountpoint;

    @Option(names = "--runtime-dir", paramLabel = "DIR", description = "Where the notify socket lives (default: ${DEFAULT-VALUE}).")
    Path runtimeDir = Path.of("/run/jlxcfs");

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The daemon's command line, e.g. jlxcfs /var/lib/lxcfs.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path mnt = mountpoint != null ? mountpoint : Path.of(command.get(command.size() - 1));
        return new Supervisor(command, mnt.toAbsolutePath().normalize(), runtimeDir).run();
    }
}
