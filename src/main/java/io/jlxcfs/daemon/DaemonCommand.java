package io.jlxcfs.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.jlxcfs.bench.BenchCommand;
import io.jlxcfs.integration.MountsCommand;
import io.jlxcfs.integration.OciHookCommand;
import io.jlxcfs.integration.WebhookCommand;
import io.jlxcfs.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The daemon's command line, compatible with lxcfs 5-7 plus jlxcfs's own options. */
@Command(name = "jlxcfs", versionProvider = DaemonCommand.Version.class, sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Serve cgroup-aware /proc and /sys files for containers (a drop-in LXCFS replacement).",
        subcommands = {BenchCommand.class, RunCommand.class, MountsCommand.class, OciHookCommand.class, RemountCommand.class, SuperviseCommand.class, StatsCommand.class,
                WebhookCommand.class})
public final class DaemonCommand implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "MOUNTPOINT", description = "Where to mount (lxcfs: /var/lib/lxcfs).")
    Path mountpoint;

    @Option(names = {"-f", "--foreground"}, description = "Accepted for lxcfs compatibility: jlxcfs always runs in the foreground.")
    boolean foreground;

    @Option(names = {"-d", "--debug"}, description = "Trace each request.")
    boolean debug;

    @Option(names = {"-l", "--enable-loadavg"}, description = "Per-container load averages in proc/loadavg.")
    boolean loadavg;

    @Option(names = {"-u", "--disable-swap"}, description = "Show no swap (SwapTotal/SwapFree 0, swaps header only).")
    boolean disableSwap;

    @Option(names = {"-z", "--disable-zswap"}, description = "Zswap/Zswapped lines read 0.")
    boolean disableZswap;

    @Option(names = {"-p", "--pidfile"}, paramLabel = "FILE", description = "Pidfile, locked (default: RUNTIME_DIR/jlxcfs.pid).")
    Path pidfile;

    @Option(names = {"-o"}, paramLabel = "OPTS", description = "Extra FUSE mount options (comma separated).")
    List<String> fuseOptions = new ArrayList<>();

    @Option(names = "--enable-cfs", description = "Limit the visible CPUs to ceil(quota/period) of the CFS quota.")
    boolean cfs;

    @Option(names = "--runtime-dir", paramLabel = "DIR", description = "Runtime directory (default: /run).")
    Path runtimeDir = Path.of("/run");

    @Option(names = "--enable-pidfd", hidden = true, description = "lxcfs option; jlxcfs validates cached pids its own way.")
    boolean enablePidfd;

    @Option(names = "--enable-cgroup", hidden = true, description = "lxcfs 6 option; jlxcfs serves no /cgroup tree.")
    boolean enableCgroup;

    @Option(names = "--enable-psi-poll", hidden = true, description = "lxcfs 7 option; PSI triggers are not supported.")
    boolean enablePsiPoll;

    @Option(names = "-s", hidden = true, description = "Legacy lxcfs option, ignored.")
    boolean legacyS;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print the version and exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--threads", paramLabel = "N", description = "FUSE worker threads (default: ${DEFAULT-VALUE}).")
    int threads = 8;

    @Option(names = "--libfuse-loop", hidden = true, description = "Use libfuse's fuse_session_loop_mt instead of jlxcfs's Java workers (for comparison).")
    boolean libfuseLoop;

    @Option(names = "--cache-max", paramLabel = "BYTES", description = "Cap on the off-heap rendered-buffer cache (default: ${DEFAULT-VALUE}).")
    long cacheMax = 32L << 20;

    @Option(names = "--freshness-ms", paramLabel = "MS", description = "How old usage counters may be, 0 = re-read on every offset-0 read (default: ${DEFAULT-VALUE}).")
    long freshnessMs = 10;

    @Option(names = "--cgroup-root", paramLabel = "DIR", description = "Cgroup mount root (default: ${DEFAULT-VALUE}); for tests.")
    Path cgroupRoot = Path.of("/sys/fs/cgroup");

    @Option(names = "--proc-root", paramLabel = "DIR", description = "Host procfs (default: ${DEFAULT-VALUE}); for tests.")
    Path procRoot = Path.of("/proc");

    @Option(names = "--sys-root", paramLabel = "DIR", description = "Host sysfs (default: ${DEFAULT-VALUE}); for tests.")
    Path sysRoot = Path.of("/sys");

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new DaemonCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jlxcfs: " + ex.getMessage());
            if (Log.debug()) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        if (mountpoint == null) {
            CommandLine.usage(this, System.err);
            return 1;
        }
        return Daemon.run(this);
    }

    /** Prints the jar's version and the libfuse it would load. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jlxcfs " + version()};
        }

        /** The jar's version (its manifest's), or "dev" when run from classes. */
        static String version() {
            String v = DaemonCommand.class.getPackage().getImplementationVersion();
            return v == null ? "dev" : v;
        }
    }
}
