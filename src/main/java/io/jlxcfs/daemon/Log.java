package io.jlxcfs.daemon;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logging to stderr, as a foreground daemon under systemd does: with {@code <N>} syslog priority
 * prefixes when journald reads the stream ({@code JOURNAL_STREAM} is set), plain otherwise.
 * Repeated failures are logged once per cause and counted after that ({@link #once}).
 */
public final class Log {

    public static final int ERR = 3, WARNING = 4, NOTICE = 5, INFO = 6, DEBUG = 7;

    private static volatile boolean debug;
    private static volatile boolean quiet;
    private static final boolean JOURNAL = System.getenv("JOURNAL_STREAM") != null;
    private static volatile PrintStream out = System.err;
    private static final Map<String, LongAdder> CAUSES = new ConcurrentHashMap<>();

    private Log() {
    }

    public static void setDebug(boolean on) {
        debug = on;
    }

    public static boolean debug() {
        return debug;
    }

    /** Silences info and notice messages (errors and warnings still go out). */
    public static void setQuiet(boolean on) {
        quiet = on;
    }

    /** Redirects the log (tests). */
    public static void setStream(PrintStream s) {
        out = s;
    }

    public static void error(String fmt, Object... args) {
        log(ERR, fmt, args);
    }

    public static void warn(String fmt, Object... args) {
        log(WARNING, fmt, args);
    }

    public static void info(String fmt, Object... args) {
        if (!quiet) log(INFO, fmt, args);
    }

    public static void debug(String fmt, Object... args) {
        if (debug) log(DEBUG, fmt, args);
    }

    /**
     * Logs {@code cause} the first time it happens and only counts it afterwards.
     *
     * @return true if this call logged
     */
    public static boolean once(int priority, String cause, String fmt, Object... args) {
        LongAdder n = CAUSES.computeIfAbsent(cause, k -> new LongAdder());
        n.increment();
        if (n.sum() == 1) {
            log(priority, fmt + " (logged once; further occurrences are counted as '" + cause + "')", args);
            return true;
        }
        return false;
    }

    /** How often each once-logged cause happened. */
    public static Map<String, Long> causeCounts() {
        Map<String, Long> m = new java.util.TreeMap<>();
        CAUSES.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private static void log(int priority, String fmt, Object... args) {
        String msg = args.length == 0 ? fmt : String.format(fmt, args);
        String line = JOURNAL ? "<" + priority + ">" + msg : "jlxcfs: " + label(priority) + msg;
        out.println(line);
    }

    private static String label(int p) {
        return switch (p) {
            case ERR -> "error: ";
            case WARNING -> "warning: ";
            case DEBUG -> "debug: ";
            default -> "";
        };
    }
}
