package io.jlxcfs.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Measure LXCFS-like mounts side by side. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure LXCFS-like mounts side by side.")
public final class BenchCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jlxcfs bench: not implemented yet");
        return 2;
    }
}
