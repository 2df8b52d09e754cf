package io.jlxcfs.bench;

import java.io.PrintWriter;
import java.util.Locale;

/** One stderr line per step for long runs: which configuration, elapsed, and an estimate of what is left. */
final class Progress {

    private final PrintWriter err;
    private final boolean quiet;
    private final int total;
    private final long startNanos = System.nanoTime();
    private final double stepSeconds;

    Progress(PrintWriter err, boolean quiet, int total, double stepSeconds) {
        this.err = err;
        this.quiet = quiet;
        this.total = total;
        this.stepSeconds = stepSeconds;
    }

    void step(int done, Schedule.Step s, String root, int rounds) {
        if (quiet) return;
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double per = done == 0 ? stepSeconds : elapsed / done;
        err.printf(Locale.ROOT, "bench [%d/%d] round %d/%d  %s x%d  on %s  elapsed %s  left ~%s%n", done + 1, total,
                s.round() + 1, rounds, s.config().file(), s.config().threads(), root, clock(elapsed), clock(per * (total - done)));
        err.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
