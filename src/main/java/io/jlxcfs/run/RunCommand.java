package io.jlxcfs.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Run a command as a container-like process with jlxcfs files bind-mounted. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a command as a container-like process with jlxcfs files bind-mounted.",
                "New mount, pid and uts namespaces (unshare), fresh cgroups below the caller's with the given limits,"
                        + " and the files under DIR bind-mounted over /proc and /sys. Returns the command's exit code"
                        + " (125: setup failed)."})
public final class RunCommand implements Callable<Integer> {

    @Option(names = {"-m", "--memory"}, paramLabel = "SIZE", description = "Memory limit, e.g. 256M.")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "SIZE", description = "Memory + swap limit (docker's meaning); -1 = unlimited swap.")
    String memorySwap;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU quota in CPUs, e.g. 1.5 (CFS quota 150000 per 100000 us).")
    String cpus;

    @Option(names = "--cpuset", paramLabel = "LIST", description = "CPUs the command may run on, e.g. 0 or 0-1.")
    String cpuset;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Maximum number of tasks.")
    String pids;

    @Option(names = "--root", paramLabel = "DIR", description = "The jlxcfs mount point (default: ${DEFAULT-VALUE}).")
    Path root = Path.of("/var/lib/lxcfs");

    @Option(names = "--name", paramLabel = "NAME", description = "Cgroup directory name (default: jlxcfs-run-PID).")
    String name;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", description = "On SIGINT/SIGTERM: seconds before SIGKILL (default: ${DEFAULT-VALUE}).")
    long stopTimeout = 10;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ContainerRun.Spec spec;
        try {
            spec = new ContainerRun.Spec(RunLimits.of(memory, memorySwap, cpus, cpuset, pids), root,
                    name != null ? name : "jlxcfs-run-" + ProcessHandle.current().pid(), List.copyOf(command),
                    Duration.ofSeconds(stopTimeout), List.of(ProcessBuilder.Redirect.INHERIT,
                            ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT));
        } catch (IllegalArgumentException e) {
            System.err.println("jlxcfs run: " + e.getMessage());
            return ContainerRun.SETUP_FAILED;
        }
        try {
            return new ContainerRun(spec, CgroupHost.read()).run();
        } catch (java.io.IOException | IllegalStateException e) {
            System.err.println("jlxcfs run: " + e.getMessage());
            return ContainerRun.SETUP_FAILED;
        }
    }
}
