package io.jlxcfs.integration;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** OCI createContainer hook that bind-mounts the jlxcfs files. */
@Command(name = "oci-hook", mixinStandardHelpOptions = true, description = "OCI createContainer hook that bind-mounts the jlxcfs files.")
public final class OciHookCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jlxcfs oci-hook: not implemented yet");
        return 2;
    }
}
