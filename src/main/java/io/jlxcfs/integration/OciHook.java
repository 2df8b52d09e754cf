package io.jlxcfs.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The createContainer hook. The runtime spec runs createContainer hooks in the container's
 * namespaces after the runtime's mounts and before pivot_root; runc does exactly that (its init
 * process forks the hook, so {@code state.pid} is 1 and the mount namespace is the container's,
 * with the rootfs still at its host path and /proc already mounted on ROOTFS/proc). So the hook
 * bind-mounts ROOT/proc/meminfo onto ROOTFS/proc/meminfo in its own mount namespace. When it is
 * run from the runtime's namespace instead (registered as prestart/createRuntime, where ROOTFS/proc
 * is not a mount point), it enters the container's mount namespace with {@code nsenter -t PID -m}.
 */
public final class OciHook {

    /** How the binds reach the container's mount namespace. */
    public enum Mode { DIRECT, NSENTER }

    /** One bind: host file onto a path inside the (not yet pivoted) rootfs. */
    public record Mount(String source, Path target) {
    }

    private final Path root;
    private final PrintStream err;

    public OciHook(Path root, PrintStream err) {
        this.root = root;
        this.err = err;
    }

    /** Runs the hook on a state document; returns the exit code (0 also when nothing was to do). */
    public int run(InputStream stdin) {
        OciState state;
        try {
            state = OciState.parse(new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
        } catch (OciState.BadStateException | IOException e) {
            return fail("bad OCI state on stdin: " + e.getMessage() + "; container left untouched");
        }
        BundleConfig config;
        try {
            config = BundleConfig.read(Path.of(state.bundle()));
        } catch (IOException | RuntimeException e) {
            if (!OptIn.enabled(OptIn.OCI_ANNOTATION, state.annotations())) return 0;
            return fail("cannot read " + state.bundle() + "/config.json: " + e.getMessage());
        }
        if (!OptIn.enabled(OptIn.OCI_ANNOTATION, state.annotations(), config.annotations())) return 0;
        return apply(state, config.rootfs());
    }

    private int apply(OciState state, Path rootfs) {
        List<Bind> binds = Bind.existing(root);
        if (binds.isEmpty()) {
            err.println("jlxcfs oci-hook: warning: no jlxcfs files under " + root + " (is jlxcfs running?); container "
                    + state.id() + " gets the host's files");
            return 0;
        }
        Mode mode;
        try {
            mode = mode(rootfs, MountInfo.ofSelf());
        } catch (IOException e) {
            return fail("cannot read /proc/self/mountinfo: " + e.getMessage());
        }
        Path seen = mode == Mode.DIRECT ? Path.of("/") : Path.of("/proc", Integer.toString(state.pid()), "root");
        for (Mount m : plan(rootfs, binds)) {
            if (!targetOk(seen, rootfs, m.target())) {
                err.println("jlxcfs oci-hook: warning: skipping " + m.target() + ": not a file inside the rootfs");
                continue;
            }
            String problem = exec(command(mode, state.pid(), m));
            if (problem != null) return fail("container " + state.id() + ": bind " + m.source() + " -> " + m.target() + ": " + problem);
        }
        return 0;
    }

    /** Each bind's target below the rootfs. */
    public static List<Mount> plan(Path rootfs, List<Bind> binds) {
        List<Mount> out = new ArrayList<>();
        for (Bind b : binds) out.add(new Mount(b.source(), rootfs.resolve(b.target().substring(1))));
        return List.copyOf(out);
    }

    /** DIRECT when ROOTFS/proc is a mount point here (we are in the container's namespace), else NSENTER. */
    public static Mode mode(Path rootfs, List<String> mountPoints) {
        return mountPoints.contains(rootfs.resolve("proc").toString()) ? Mode.DIRECT : Mode.NSENTER;
    }

    /** The command line for one bind; read-only, as the files are. */
    public static List<String> command(Mode mode, int pid, Mount m) {
        List<String> mount = List.of(tool("mount"), "-o", "bind,ro", m.source(), m.target().toString());
        if (mode == Mode.DIRECT) return mount;
        List<String> cmd = new ArrayList<>(List.of(tool("nsenter"), "--target", Integer.toString(pid), "--mount", "--"));
        cmd.addAll(mount);
        return List.copyOf(cmd);
    }

    /** Target must be an existing regular file whose real path stays inside the rootfs (no symlink escapes). */
    static boolean targetOk(Path seenFrom, Path rootfs, Path target) {
        try {
            Path t = seenFrom.resolve(target.toString().substring(1));
            Path r = seenFrom.resolve(rootfs.toString().substring(1)).toRealPath();
            return Files.isRegularFile(t) && t.toRealPath().startsWith(r);
        } catch (IOException e) {
            return false;
        }
    }

    /** Hooks often get an empty environment (no PATH): look in the usual places. */
    static String tool(String name) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) return dir + "/" + name;
        }
        return name;
    }

    /** Runs a command; null on success, else its exit code and output. */
    private static String exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int rc = p.waitFor();
            return rc == 0 ? null : String.join(" ", cmd) + " exited " + rc + (out.isEmpty() ? "" : ": " + out);
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private int fail(String msg) {
        err.println("jlxcfs oci-hook: error: " + msg);
        return 1;
    }
}
