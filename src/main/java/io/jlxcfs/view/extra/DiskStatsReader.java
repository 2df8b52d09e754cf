package io.jlxcfs.view.extra;

import io.jlxcfs.cgroup.Fields;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns cgroup I/O accounting files into {@link DiskCounters} per {@code "major:minor"}. Pure parsers
 * of file contents; {@link ExtraViews} does the reading and picks the source.
 */
public final class DiskStatsReader {

    private DiskStatsReader() {
    }

    /**
     * cgroup v2 {@code io.stat}: {@code "MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=.."}.
     * Gives reads, writes, discards and their sectors; merges, times, in-flight and flushes are 0.
     */
    public static Map<String, DiskCounters> fromIoStat(String ioStat) {
        Map<String, DiskCounters> out = new LinkedHashMap<>();
        for (String line : ioStat.split("\n")) {
            String[] f = Fields.of(line);
            if (f.length < 2 || !f[0].contains(":")) continue;
            Map<String, Long> kv = new HashMap<>();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq > 0) kv.put(f[i].substring(0, eq), parse(f[i].substring(eq + 1)));
            }
            out.put(f[0], new DiskCounters(kv.getOrDefault("rios", 0L), 0, kv.getOrDefault("rbytes", 0L) / 512, 0,
                    kv.getOrDefault("wios", 0L), 0, kv.getOrDefault("wbytes", 0L) / 512, 0,
                    0, 0, 0,
                    kv.getOrDefault("dios", 0L), 0, kv.getOrDefault("dbytes", 0L) / 512, 0, 0, 0));
        }
        return out;
    }

    /**
     * cgroup v1 CFQ/BFQ-era {@code blkio.io_*_recursive} files (null where absent). Times come in ns;
     * read/write/discard ticks are service + wait time, io_ticks is the service time total;
     * in-flight, weighted time and flushes are 0.
     */
    public static Map<String, DiskCounters> fromBlkioRecursive(String serviced, String merged, String bytes,
                                                              String waitTime, String serviceTime) {
        Map<String, long[]> ios = rwstat(serviced), mrg = rwstat(merged), b = rwstat(bytes),
                wait = rwstat(waitTime), svc = rwstat(serviceTime);
        Map<String, DiskCounters> out = new LinkedHashMap<>();
        for (String dev : union(ios, b)) {
            out.put(dev, new DiskCounters(
                    get(ios, dev, READ), get(mrg, dev, READ), get(b, dev, READ) / 512,
                    ms(get(svc, dev, READ) + get(wait, dev, READ)),
                    get(ios, dev, WRITE), get(mrg, dev, WRITE), get(b, dev, WRITE) / 512,
                    ms(get(svc, dev, WRITE) + get(wait, dev, WRITE)),
                    0, ms(get(svc, dev, TOTAL)), 0,
                    get(ios, dev, DISCARD), get(mrg, dev, DISCARD), get(b, dev, DISCARD) / 512,
                    ms(get(svc, dev, DISCARD) + get(wait, dev, DISCARD)), 0, 0));
        }
        return out;
    }

    /**
     * cgroup v1 {@code blkio.throttle.io_serviced[_recursive]} and {@code io_service_bytes[_recursive]}
     * (kernels without CFQ): only completed I/Os and sectors per direction; every other column is 0.
     */
    public static Map<String, DiskCounters> fromBlkioThrottle(String serviced, String bytes) {
        Map<String, long[]> ios = rwstat(serviced), b = rwstat(bytes);
        Map<String, DiskCounters> out = new LinkedHashMap<>();
        for (String dev : union(ios, b)) {
            out.put(dev, new DiskCounters(get(ios, dev, READ), 0, get(b, dev, READ) / 512, 0,
                    get(ios, dev, WRITE), 0, get(b, dev, WRITE) / 512, 0, 0, 0, 0,
                    get(ios, dev, DISCARD), 0, get(b, dev, DISCARD) / 512, 0, 0, 0));
        }
        return out;
    }

    /** The operations of an rwstat file this class uses, as indexes into a device's values. */
    static final int READ = 0, WRITE = 1, DISCARD = 2, TOTAL = 3;
    private static final String[] OPS = {"Read", "Write", "Discard", "Total"};

    /**
     * Parses blkio rwstat lines {@code "MAJ:MIN Op value"} into {Read, Write, Discard, Total} per
     * device (Sync, Async and unknown operations are skipped; so is the trailing {@code "Total N"}).
     * One pass over the text: this runs on every miss of every container's diskstats.
     */
    static Map<String, long[]> rwstat(String text) {
        Map<String, long[]> out = new LinkedHashMap<>();
        if (text == null) return out;
        int n = text.length();
        for (int at = 0; at < n; ) {
            int eol = text.indexOf('\n', at);
            if (eol < 0) eol = n;
            line(text, at, eol, out);
            at = eol + 1;
        }
        return out;
    }

    /** One rwstat line {@code text[from, to)}: exactly three fields, the first a device number. */
    private static void line(String text, int from, int to, Map<String, long[]> out) {
        int d0 = Fields.skipSpace(text, from, to), d1 = Fields.skipWord(text, d0, to);
        int o0 = Fields.skipSpace(text, d1, to), o1 = Fields.skipWord(text, o0, to);
        int v0 = Fields.skipSpace(text, o1, to), v1 = Fields.skipWord(text, v0, to);
        if (v0 == v1 || Fields.skipSpace(text, v1, to) != to) return;
        int colon = text.indexOf(':', d0);
        if (colon < 0 || colon >= d1) return;
        int op = -1;
        for (int i = 0; i < OPS.length; i++) {
            if (o1 - o0 == OPS[i].length() && text.startsWith(OPS[i], o0)) op = i;
        }
        if (op < 0) return;
        long v;
        try {
            v = Long.parseLong(text, v0, v1, 10);
        } catch (NumberFormatException e) {
            v = 0;
        }
        out.computeIfAbsent(text.substring(d0, d1), k -> new long[OPS.length])[op] = v;
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static long get(Map<String, long[]> m, String dev, int op) {
        long[] d = m.get(dev);
        return d == null ? 0 : d[op];
    }

    private static long ms(long ns) {
        return ns / 1_000_000;
    }

    private static long parse(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
