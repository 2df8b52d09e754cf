package io.jlxcfs.integration;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Print the bind mounts a container runtime needs. */
@Command(name = "mounts", mixinStandardHelpOptions = true, description = "Print the bind mounts a container runtime needs.")
public final class MountsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jlxcfs mounts: not implemented yet");
        return 2;
    }
}
