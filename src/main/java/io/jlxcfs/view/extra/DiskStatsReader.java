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
        Map<String, Map<String, Long>> ios = rwstat(serviced), mrg = rwstat(merged), b = rwstat(bytes),
                wait = rwstat(waitTime), svc = rwstat(serviceTime);
        Map<String, DiskCounters> out = new LinkedHashMap<>();
        for (String dev : union(ios, b)) {
            out.put(dev, new DiskCounters(
                    get(ios, dev, "Read"), get(mrg, dev, "Read"), get(b, dev, "Read") / 512,
                    ms(get(svc, dev, "Read") + get(wait, dev, "Read")),
                    get(ios, dev, "Write"), get(mrg, dev, "Write"), get(b, dev, "Write") / 512,
                    ms(get(svc, dev, "Write") + get(wait, dev, "Write")),
                    0, ms(get(svc, dev, "Total")), 0,
                    get(ios, dev, "Discard"), get(mrg, dev, "Discard"), get(b, dev, "Discard") / 512,
                    ms(get(svc, dev, "Discard") + get(wait, dev, "Discard")), 0, 0));
        }
        return out;
    }

    /**
     * cgroup v1 {@code blkio.throttle.io_serviced[_recursive]} and {@code io_service_bytes[_recursive]}
     * (kernels without CFQ): only completed I/Os and sectors per direction; every other column is 0.
     */
    public static Map<String, DiskCounters> fromBlkioThrottle(String serviced, String bytes) {
        Map<String, Map<String, Long>> ios = rwstat(serviced), b = rwstat(bytes);
        Map<String, DiskCounters> out = new LinkedHashMap<>();
        for (String dev : union(ios, b)) {
            out.put(dev, new DiskCounters(get(ios, dev, "Read"), 0, get(b, dev, "Read") / 512, 0,
                    get(ios, dev, "Write"), 0, get(b, dev, "Write") / 512, 0, 0, 0, 0,
                    get(ios, dev, "Discard"), 0, get(b, dev, "Discard") / 512, 0, 0, 0));
        }
        return out;
    }

    /** Parses blkio rwstat lines {@code "MAJ:MIN Op value"}; the trailing {@code "Total N"} is ignored. */
    static Map<String, Map<String, Long>> rwstat(String text) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        if (text == null) return out;
        for (String line : text.split("\n")) {
            String[] f = Fields.of(line);
            if (f.length != 3 || !f[0].contains(":")) continue;
            out.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], parse(f[2]));
        }
        return out;
    }

    private static java.util.Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        java.util.Set<String> s = new java.util.LinkedHashSet<>(a.keySet());
        s.addAll(b.keySet());
        return s;
    }

    private static long get(Map<String, Map<String, Long>> m, String dev, String op) {
        Map<String, Long> d = m.get(dev);
        return d == null ? 0 : d.getOrDefault(op, 0L);
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
