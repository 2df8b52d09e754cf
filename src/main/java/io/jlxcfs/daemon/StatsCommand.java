package io.jlxcfs.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jlxcfs stats}: the running daemon's counters (cache, requests, causes of fallbacks). */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print the running daemon's counters: cache hits, misses, invalidations, evictions, "
                + "bytes and fds held, requests, and how often each logged-once cause happened.")
public final class StatsCommand implements Callable<Integer> {

    @Option(names = {"-p", "--pidfile"}, paramLabel = "FILE", description = "The daemon's pidfile (default: ${DEFAULT-VALUE}).")
    Path pidfile = Path.of("/run/jlxcfs.pid");

    @Override
    public Integer call() throws Exception {
        Path f = StatsWriter.statsPath(pidfile);
        if (!Files.isReadable(f)) {
            System.err.println("jlxcfs stats: no statistics at " + f + " (is the daemon running with --pidfile " + pidfile + "?)");
            return 1;
        }
        System.out.println(Files.readString(f).strip());
        return 0;
    }
}
