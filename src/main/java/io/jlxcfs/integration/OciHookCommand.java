package io.jlxcfs.integration;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** OCI createContainer hook that bind-mounts the jlxcfs files into containers that opt in. */
@Command(name = "oci-hook", mixinStandardHelpOptions = true,
        description = {"OCI createContainer hook: reads the container state on stdin and, when the container has the "
                + "annotation io.jlxcfs.enable=true (in the state or the bundle's config.json), bind-mounts each jlxcfs "
                + "file present under --root over the same path in the container's rootfs."})
public final class OciHookCommand implements Callable<Integer> {

    @Option(names = "--root", paramLabel = "DIR", description = "The jlxcfs mountpoint (default: ${DEFAULT-VALUE}).")
    Path root = Path.of(Bind.DEFAULT_ROOT);

    @Override
    public Integer call() {
        return new OciHook(root, System.err).run(System.in);
    }
}
