package io.jlxcfs.view.extra;

import io.jlxcfs.cgroup.CgroupFs;
import io.jlxcfs.cgroup.Fields;
import io.jlxcfs.host.ProcStatLine;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the threads of a cgroup subtree by state. One instance is one sweep: every task file and
 * every {@code /proc/<tid>/stat} is read at most once per sweep, however many registered cgroups
 * (nested or not) contain it, so a sweep costs one read per cgroup directory plus one per thread.
 * Not thread-safe: the sampler thread owns it.
 */
final class TaskCounter {

    /** Subtrees deeper than this are not walked (bounds the cost of pathological trees). */
    static final int MAX_DEPTH = 8;

    private final Path procRoot;
    private final Map<Integer, NsPid> previousNsPids;
    private final Map<Integer, NsPid> nsPids = new HashMap<>();
    private final Map<Path, DirTotals> dirs = new HashMap<>();
    private final Map<Integer, ThreadInfo> threads = new HashMap<>();
    private final byte[] buf = new byte[1024];

    /** A thread's state letter and start time (clock ticks after boot). */
    record ThreadInfo(char state, long start) {
    }

    /** Counts for one directory including its descendants, plus the newest thread found there. */
    record DirTotals(int running, int blocked, int total, int newestTid, long newestStart) {
        static final DirTotals EMPTY = new DirTotals(0, 0, 0, 0, -1);

        DirTotals plus(DirTotals o) {
            boolean newer = o.newestStart > newestStart || (o.newestStart == newestStart && o.newestTid > newestTid);
            return new DirTotals(running + o.running, blocked + o.blocked, total + o.total,
                    newer ? o.newestTid : newestTid, newer ? o.newestStart : newestStart);
        }
    }

    /** A thread's id in its own pid namespace, remembered with its start time (tids get reused). */
    record NsPid(long start, long nsPid) {
    }

    TaskCounter(Path procRoot) {
        this(procRoot, Map.of());
    }

    /** @param previousNsPids what the previous sweep learnt from {@code /proc/<tid>/status}, reused if still valid */
    TaskCounter(Path procRoot, Map<Integer, NsPid> previousNsPids) {
        this.procRoot = procRoot;
        this.previousNsPids = previousNsPids;
    }

    /** The namespace pids this sweep used, to hand to the next sweep. */
    Map<Integer, NsPid> nsPids() {
        return nsPids;
    }

    /** Counts of {@code dir} and its descendants; {@code null} if {@code dir} has no readable task file. */
    TaskCounts count(Path dir) {
        DirTotals t = totals(dir, 0);
        if (t == null) return null;
        return new TaskCounts(t.running, t.blocked, t.total, t.newestTid == 0 ? 0 : nsPid(t.newestTid, t.newestStart));
    }

    private DirTotals totals(Path dir, int depth) {
        DirTotals cached = dirs.get(dir);
        if (cached != null) return cached;
        List<Integer> tids = readTids(dir);
        if (tids == null) return null;
        DirTotals t = DirTotals.EMPTY;
        for (int tid : tids) t = t.plus(thread(tid));
        if (depth < MAX_DEPTH && !CgroupFs.isLeaf(dir)) {
            for (Path child : children(dir)) {
                DirTotals c = totals(child, depth + 1);
                if (c != null) t = t.plus(c);
            }
        }
        dirs.put(dir, t);
        return t;
    }

    private DirTotals thread(int tid) {
        ThreadInfo i = threads.computeIfAbsent(tid, this::readStat);
        if (i == null) return DirTotals.EMPTY;   // exited since the task file was read
        return new DirTotals(i.state == 'R' ? 1 : 0, i.state == 'D' ? 1 : 0, 1, tid, i.start);
    }

    /** v1 lists a cgroup's threads in {@code tasks}, v2 in {@code cgroup.threads}. */
    private List<Integer> readTids(Path dir) {
        Path f = dir.resolve("tasks");
        if (!Files.exists(f)) f = dir.resolve("cgroup.threads");
        String text = read(f, false);
        if (text == null) return null;
        List<Integer> out = new ArrayList<>();
        int n = 0;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                n = n * 10 + (c - '0');
                any = true;
            } else if (any) {
                out.add(n);
                n = 0;
                any = false;
            }
        }
        if (any) out.add(n);
        return out;
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : ds) out.add(p);
        } catch (IOException | RuntimeException e) {
            // vanished or unreadable: count what we have
        }
        return out;
    }

    private ThreadInfo readStat(int tid) {
        String s = read(procRoot.resolve(Integer.toString(tid)).resolve("stat"), true);
        return s == null ? null : parseStat(s);
    }

    /** State (field 3) and starttime (field 22) of a {@code /proc/<tid>/stat} line; null if malformed. */
    static ThreadInfo parseStat(String s) {
        char state = ProcStatLine.state(s);
        long start = ProcStatLine.number(s, 22);
        return state == 0 || start < 0 ? null : new ThreadInfo(state, start);
    }

    /** The last NSpid entry of {@code /proc/<tid>/status}: the id inside the thread's own pid namespace. */
    private long nsPid(int tid, long start) {
        NsPid known = nsPids.get(tid);
        if (known == null) known = previousNsPids.get(tid);
        if (known == null || known.start() != start) {
            String s = read(procRoot.resolve(Integer.toString(tid)).resolve("status"), false);
            known = new NsPid(start, s == null ? tid : parseNsPid(s, tid));
        }
        nsPids.put(tid, known);
        return known.nsPid();
    }

    static long parseNsPid(String status, long fallback) {
        for (String line : status.split("\n")) {
            if (line.startsWith("NSpid:")) {
                String[] f = Fields.of(line.substring(6));
                try {
                    return Long.parseLong(f[f.length - 1]);
                } catch (NumberFormatException e) {
                    return fallback;
                }
            }
        }
        return fallback;
    }

    /**
     * Reads a file with a reused buffer; null on any failure. {@code oneShot}: the file is a procfs
     * single-record file that the kernel hands out whole in the first read, so a short first read
     * is the end (saves a syscall per thread); other files are read to EOF.
     */
    private String read(Path p, boolean oneShot) {
        try (FileInputStream in = new FileInputStream(p.toFile())) {
            int n = in.read(buf);
            if (n < 0) return "";
            if (oneShot && n < buf.length) return new String(buf, 0, n, StandardCharsets.US_ASCII);
            StringBuilder sb = new StringBuilder();
            do {
                sb.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            } while ((n = in.read(buf)) > 0);
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
