package io.jlxcfs.daemon;

/** The daemon's lifecycle (stub until the FUSE adapter lands). */
final class Daemon {
    private Daemon() {
    }

    static int run(DaemonCommand opts) {
        Log.error("daemon not implemented yet");
        return 1;
    }
}
