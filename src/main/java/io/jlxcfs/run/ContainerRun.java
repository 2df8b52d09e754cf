package io.jlxcfs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.jlxcfs.daemon.Log;
import io.jlxcfs.os.Signals;

/**
 * One {@code jlxcfs run}: fresh cgroups below the caller's, then {@code unshare} (new mount, pid
 * and uts namespaces, private propagation, a fresh /proc) running a small sh wrapper that joins
 * the cgroups, bind-mounts the jlxcfs files over /proc and /sys, and execs the command.
 * The cgroups are removed afterwards, also when the JVM is stopped by SIGINT/SIGTERM.
 */
public final class ContainerRun {

    /** Exit code when the container could not be set up (docker's convention). */
    public static final int SETUP_FAILED = 125;

    /**
     * The wrapper, run as pid 1 of the new pid namespace: {@code --join FILE} writes its own pid
     * (in the new namespace, which the kernel resolves there) into a cgroup.procs,
     * {@code --bind SRC DST} bind-mounts, {@code --} ends the options.
     */
    static final String WRAPPER = """
            while [ $# -gt 0 ]; do
              case "$1" in
                --join) echo $$ > "$2" || { echo "jlxcfs run: cannot join cgroup $2" >&2; exit 125; }; shift 2;;
                --bind) mount --bind "$2" "$3" || { echo "jlxcfs run: cannot bind $2 over $3" >&2; exit 125; }; shift 3;;
                --) shift; break;;
                *) echo "jlxcfs run: bad wrapper option $1" >&2; exit 125;;
              esac
            done
            exec "$@"
            """;

    /**
     * What to run.
     *
     * @param limits      the resource limits
     * @param root        the jlxcfs mount (or a directory laid out like one)
     * @param name        the cgroup directory name
     * @param command     the command and its arguments
     * @param stopTimeout how long a forwarded SIGTERM may take before SIGKILL
     * @param redirects   stdin, stdout, stderr
     */
    public record Spec(RunLimits limits, Path root, String name, List<String> command, Duration stopTimeout,
            List<ProcessBuilder.Redirect> redirects) {
        public Spec {
            if (command.isEmpty()) throw new IllegalArgumentException("no command given (jlxcfs run [OPTIONS] -- CMD ...)");
            if (!name.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("bad cgroup name: " + name);
        }

        public Spec withRedirects(ProcessBuilder.Redirect in, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) {
            return new Spec(limits, root, name, command, stopTimeout, List.of(in, out, err));
        }
    }

    private final Spec spec;
    private final CgroupPlan plan;
    private final Object lock = new Object();
    private final Object cleanupLock = new Object();
    private Process process;
    private boolean cleaned;

    public ContainerRun(Spec spec, CgroupHost host) {
        this.spec = spec;
        this.plan = CgroupPlan.plan(host, spec.limits(), spec.name());
    }

    public CgroupPlan plan() {
        return plan;
    }

    /** Runs the command to its end; returns its exit code (125 when setup failed). */
    public int run() throws IOException, InterruptedException {
        CgroupSetup.apply(plan);
        Thread hook = new Thread(this::onShutdown, "jlxcfs-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Process p;
            synchronized (lock) {
                process = p = processBuilder().start();
            }
            return p.waitFor();
        } finally {
            cleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down: the hook runs and finds the work done
            }
        }
    }

    ProcessBuilder processBuilder() {
        List<String> cmd = new ArrayList<>(List.of(tool("unshare"), "--mount", "--pid", "--uts", "--fork", "--mount-proc",
                "--propagation", "private", "--kill-child", "sh", "-c", WRAPPER, "jlxcfs-run"));
        for (Path d : plan.dirs()) cmd.addAll(List.of("--join", d.resolve("cgroup.procs").toString()));
        List<BindPlan.Bind> binds = BindPlan.binds(spec.root(), Path.of("/"), Files::exists);
        if (binds.isEmpty()) Log.warn("no jlxcfs files under %s (is jlxcfs mounted there?): running with the host's /proc", spec.root());
        for (BindPlan.Bind b : binds) cmd.addAll(List.of("--bind", b.source().toString(), b.target().toString()));
        cmd.add("--");
        cmd.addAll(spec.command());
        return new ProcessBuilder(cmd).redirectInput(spec.redirects().get(0)).redirectOutput(spec.redirects().get(1))
                .redirectError(spec.redirects().get(2));
    }

    /** util-linux from /usr/bin or /bin (not whatever shim PATH finds first), else by PATH. */
    static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return name;
    }

    /**
     * SIGINT/SIGTERM: forward SIGTERM to every process of the container, give it the stop timeout,
     * then SIGKILL (unshare's --kill-child takes the namespace's pid 1 down with it), then clean up.
     * A namespace's pid 1 ignores signals it has no handler for, hence the SIGKILL.
     */
    private void onShutdown() {
        Process p;
        synchronized (lock) {
            p = cleaned ? null : process;
        }
        if (p != null && p.isAlive()) {
            signalAll(Signals.SIGTERM);
            try {
                if (!p.waitFor(spec.stopTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    signalAll(Signals.SIGKILL);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cleanup();
    }

    /** Signals every process in the container's first cgroup (host pids). */
    private void signalAll(int sig) {
        for (long pid : pids()) Signals.kill(pid, sig);
    }

    List<Long> pids() {
        List<Long> out = new ArrayList<>();
        if (plan.dirs().isEmpty()) return out;
        try {
            for (String s : Files.readAllLines(plan.dirs().getFirst().resolve("cgroup.procs"))) {
                if (!s.isBlank()) out.add(Long.parseLong(s.strip()));
            }
        } catch (IOException | NumberFormatException e) {
            Log.debug("cannot read pids of %s: %s", plan.dirs().getFirst(), e);
        }
        return out;
    }

    /**
     * Removes the cgroups once; leftover processes (escaped double forks) are killed first. Both the
     * main thread and the shutdown hook call this: the lock makes the second caller wait until the
     * first is done, so the JVM cannot halt halfway through.
     */
    private void cleanup() {
        synchronized (cleanupLock) {
            synchronized (lock) {
                if (cleaned) return;
                cleaned = true;
            }
            removeCgroups();
        }
    }

    private void removeCgroups() {
        List<Long> left = pids();
        if (!left.isEmpty()) {
            Log.warn("killing %d process(es) left in the container's cgroup", left.size());
            for (long pid : left) Signals.kill(pid, Signals.SIGKILL);
        }
        CgroupSetup.destroy(plan.dirs());
    }
}
