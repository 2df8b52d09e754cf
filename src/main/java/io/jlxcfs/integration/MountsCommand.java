package io.jlxcfs.integration;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Print the bind mounts a container runtime needs, for the files that exist under the mount root. */
@Command(name = "mounts", mixinStandardHelpOptions = true,
        description = "Print the bind mounts a container runtime needs (only files present under --root).")
public final class MountsCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", description = "The jlxcfs mountpoint (default: ${DEFAULT-VALUE}).")
    Path root = Path.of(Bind.DEFAULT_ROOT);

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "docker, podman, pouch, nerdctl, kubernetes or lxc (default: docker).")
    String format = "docker";

    @Override
    public Integer call() {
        MountFormat f;
        try {
            f = MountFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("jlxcfs mounts: unknown format '" + format
                    + "' (docker, podman, pouch, nerdctl, kubernetes, lxc)");
            return 2;
        }
        System.out.print(f.render(Bind.existing(root)));
        System.out.flush();
        return 0;
    }
}
