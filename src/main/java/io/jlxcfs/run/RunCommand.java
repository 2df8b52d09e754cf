package io.jlxcfs.run;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Run a command as a container-like process with jlxcfs files bind-mounted. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a command as a container-like process with jlxcfs files bind-mounted.")
public final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jlxcfs run: not implemented yet");
        return 2;
    }
}
