package io.jlxcfs.daemon;

import picocli.CommandLine;

/**
 * {@code jlxcfs [OPTIONS] MOUNTPOINT} runs the daemon in the foreground; the first bare word may
 * instead name a subcommand ({@code bench}, {@code run}, {@code mounts}, {@code remount},
 * {@code stats}, {@code oci-hook}, {@code webhook}). A mountpoint can always be given after
 * {@code --}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses and runs; returns the exit code (tests call this without exiting). */
    public static int run(String... args) {
        CommandLine cl = DaemonCommand.commandLine();
        return cl.execute(args);
    }
}
