package io.jlxcfs.cache;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.jlxcfs.cgroup.CgroupFs;

/**
 * Cgroup and host proc files kept open and re-read with {@code pread} at offset 0 (kernfs and
 * seq_file regenerate on every read from 0): a miss costs one syscall per file instead of
 * open + fstat + read + close. Per-process files ({@code /proc/PID/...}) are never kept: a pid
 * can be reused. A file whose cgroup was removed fails with ENODEV; its descriptor is dropped and
 * the read is reported as unreadable, as a fresh open would be.
 *
 * <p>Descriptors are plain ints ({@link KeptFd}) in a concurrent map: no lock on the read path,
 * and some 100 bytes of heap per file instead of a FileChannel's object graph (a host with
 * thousands of containers keeps tens of thousands of these).
 */
public final class OpenFiles extends CgroupFs {

    private final Path procRoot;
    private final int maxOpen;
    private final Map<Path, KeptFd> open = new ConcurrentHashMap<>(256);
    private final Map<Path, Memo> memos = new ConcurrentHashMap<>(256);
    private volatile LongSupplier epoch = () -> 0;
    private volatile Predicate<Path> watched = d -> false;
    private volatile long hostFreshnessNanos;
    final LongAdder opened = new LongAdder();
    final LongAdder reads = new LongAdder();

    /**
     * Files only a write changes (limits): a write raises inotify events on the cgroup directory,
     * so their text is kept until the next event, and nothing re-reads or reparses them in
     * between. Effective cpusets (changed by the kernel without an event) are not among them.
     */
    private static final Set<String> LIMITS = Set.of("memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
            "memory.swappiness", "memory.max", "memory.swap.max", "cpu.cfs_quota_us", "cpu.cfs_period_us",
            "cpu.max", "cpuset.cpus");
    /** Cgroup files of many seq_file records: the task lists. Every other cgroup file is one. */
    private static final Set<String> CGROUP_LISTS = Set.of("cgroup.procs", "tasks", "cgroup.threads");
    /** Host proc files printed as one seq_file record (single_open); cpuinfo, diskstats, swaps are not. */
    private static final Set<String> PROC_ONE_RECORD = Set.of("meminfo", "stat", "uptime", "loadavg");
    /** A process's files printed as one record (/proc/PID/stat, status, cgroup; also below task/TID). */
    private static final Set<String> PID_ONE_RECORD = Set.of("stat", "status", "cgroup");
    /** A kept limit is re-read after this long even without an event (watches of idle directories expire at 60 s). */
    private static final long LIMIT_MAX_AGE = 30_000_000_000L;

    private record Memo(String text, long epoch, long readAt, boolean limit) {
    }

    /**
     * What a path is, worked out once per path (the views hand the same Path objects back on
     * every miss): a read then costs one map lookup instead of name and prefix tests that each
     * cut new Paths and strings.
     *
     * @param keepable  not a process's file (those are never kept: a pid can be reused)
     * @param host      below the proc root
     * @param limit     a limit file (kept until an event)
     * @param oneRecord see {@link KeptFd#oneRecord}
     */
    private record Kind(boolean keepable, boolean host, boolean limit, boolean oneRecord) {
        /** The sixteen kinds, made once: thousands of paths share them. */
        private static final Kind[] ALL = new Kind[16];

        static {
            for (int i = 0; i < 16; i++) ALL[i] = new Kind((i & 1) != 0, (i & 2) != 0, (i & 4) != 0, (i & 8) != 0);
        }

        static Kind of(boolean keepable, boolean host, boolean limit, boolean oneRecord) {
            return ALL[(keepable ? 1 : 0) | (host ? 2 : 0) | (limit ? 4 : 0) | (oneRecord ? 8 : 0)];
        }
    }

    private final Map<Path, Kind> kinds = new ConcurrentHashMap<>(256);

    /** Paths whose kind is remembered (tests). */
    int kindsKept() {
        return kinds.size();
    }

    /** Paths whose kind is remembered at most (cgroup and host files; a process's are never reused). */
    private static final int MAX_KINDS = 65_536;

    private Kind kind(Path p) {
        Kind k = kinds.get(p);
        if (k != null) return k;
        boolean host = p.startsWith(procRoot);
        boolean keepable = keepable(p);
        k = Kind.of(keepable, host, !host && LIMITS.contains(String.valueOf(p.getFileName())), oneRecord(p));
        // a process's file (/proc/TID/stat of every thread a count looks at) is not met again
        if (keepable) {
            if (kinds.size() >= MAX_KINDS) kinds.clear(); // paths of cgroups long gone: worked out again when met
            kinds.put(p, k);
        }
        return k;
    }

    /** @param maxOpen descriptors kept at most; the least recently used are closed first */
    public OpenFiles(Path procRoot, int maxOpen) {
        this.procRoot = procRoot;
        this.maxOpen = maxOpen;
    }

    /** Descriptors currently held. */
    public int held() {
        return open.size();
    }

    private boolean keepable(Path p) {
        if (!p.startsWith(procRoot)) return true;
        // the first name below the proc root, from the path's text (no Path per name)
        String s = p.toString(), root = procRoot.toString();
        int from = root.endsWith("/") ? root.length() : root.length() + 1;
        if (from >= s.length()) return false;
        int to = s.indexOf('/', from);
        if (to < 0) to = s.length();
        return to > from && !Character.isDigit(s.charAt(from)) && !name(s, from, to, "self")
                && !name(s, from, to, "thread-self");
    }

    private static boolean name(String s, int from, int to, String name) {
        return to - from == name.length() && s.startsWith(name, from);
    }

    /**
     * Turns on memoisation: limit files are served from memory while {@code epoch} (cgroup
     * events seen) is unchanged and their directory is {@code watched}; host files such as
     * /proc/meminfo are shared by every view for {@code hostFreshnessNanos} (0: never).
     */
    public void memoize(LongSupplier epoch, Predicate<Path> watched, long hostFreshnessNanos) {
        this.epoch = epoch;
        this.watched = watched;
        this.hostFreshnessNanos = hostFreshnessNanos;
    }

    @Override
    public String read(Path p) {
        Kind k = kind(p);
        if (!k.keepable()) return readOnce(p, k.oneRecord());
        boolean limit = k.limit();
        if (!limit && !(k.host() && hostFreshnessNanos > 0)) return readKept(p, k.oneRecord());
        long now = System.nanoTime();
        long ep = epoch.getAsLong(); // before the read: an event during it leaves the memo stale
        Memo m = memos.get(p);
        if (m != null && (limit ? m.epoch() == ep && now - m.readAt() < LIMIT_MAX_AGE
                : now - m.readAt() < hostFreshnessNanos)) {
            return m.text();
        }
        String text = readKept(p, k.oneRecord());
        if (text != null && (!limit || watched.test(p.getParent()))) {
            memos.put(p, new Memo(text, ep, now, limit));
        } else {
            memos.remove(p);
        }
        return text;
    }

    /**
     * A kept file's "key value" lines parsed straight from the bytes read (memory.stat, cpu.stat
     * on every miss): no string of the whole file. Limit and shared host files go through
     * {@link #read} and its memos.
     */
    @Override
    public Map<String, Long> keyValues(Path p) {
        Kind k = kind(p);
        if (!k.keepable() || k.limit() || k.host() && hostFreshnessNanos > 0) return super.keyValues(p);
        return readKept(p, k.oneRecord(), ReadBuffer::keyValues);
    }

    private String readKept(Path p, boolean oneRecord) {
        return readKept(p, oneRecord, ReadBuffer::latin1);
    }

    /** A kept file's bytes from offset 0, decoded by {@code as} (null bytes: unreadable, decoded as null). */
    private <T> T readKept(Path p, boolean oneRecord, BiFunction<ReadBuffer, MemorySegment, T> as) {
        ReadBuffer rb = ReadBuffer.mine();
        for (int attempt = 0; attempt < 3; attempt++) {
            KeptFd f = kept(p, oneRecord, rb);
            if (f == null) return null;
            if (!f.acquire()) continue; // closed under us (expiry, the cap, a removed cgroup): open afresh
            try {
                reads.increment();
                f.lastUse = System.nanoTime();
                T out = as.apply(rb, f.readAll(rb));
                if (out == null) drop(p, f);
                return out;
            } finally {
                f.release();
            }
        }
        // the cap keeps closing it (more hot files than descriptors): read it once, unkept
        return readOnce(p, oneRecord, as);
    }

    /**
     * A file read without keeping it (a process's, or one the cap keeps closing): open, one
     * {@code pread} (a one-record file is whole in one), close; no fstat and no channel, as
     * {@code Files.readAllBytes} would add.
     */
    private String readOnce(Path p, boolean oneRecord) {
        return readOnce(p, oneRecord, ReadBuffer::latin1);
    }

    private <T> T readOnce(Path p, boolean oneRecord, BiFunction<ReadBuffer, MemorySegment, T> as) {
        ReadBuffer rb = ReadBuffer.mine();
        KeptFd f = KeptFd.open(p.toString(), oneRecord, rb.callState, 0);
        if (f == null) return null;
        try {
            reads.increment();
            return as.apply(rb, f.readAll(rb));
        } finally {
            f.release();
        }
    }

    /**
     * A cgroup directory's descriptor kept like a file's (the taskstats count of every stat miss
     * names the cgroup by one): no open and close per count. Dropped with the cgroup
     * ({@link #forget}) or when unused ({@link #prune}).
     */
    @Override
    public <T> T withDir(Path dir, java.util.function.IntFunction<T> use) {
        if (!kind(dir).keepable()) return super.withDir(dir, use);
        ReadBuffer rb = ReadBuffer.mine();
        for (int attempt = 0; attempt < 3; attempt++) {
            KeptFd f = kept(dir, false, rb);
            if (f == null) return null;
            if (!f.acquire()) continue; // closed under us: open afresh
            try {
                f.lastUse = System.nanoTime();
                return use.apply(f.fd);
            } finally {
                f.release();
            }
        }
        return super.withDir(dir, use);
    }

    @Override
    public boolean exists(Path p) {
        if (open.containsKey(p)) return true;
        return super.exists(p);
    }

    private KeptFd kept(Path p, boolean oneRecord, ReadBuffer rb) {
        KeptFd f = open.get(p);
        if (f != null) return f;
        f = KeptFd.open(p.toString(), oneRecord, rb.callState, System.nanoTime());
        if (f == null) return null;
        opened.increment();
        KeptFd prev = open.putIfAbsent(p, f);
        if (prev != null) {
            f.release();
            return prev;
        }
        if (open.size() > maxOpen) trim();
        return f;
    }

    /** Whether {@code p} is one seq_file record (see {@link KeptFd#oneRecord}); unknown proc files are not. */
    boolean oneRecord(Path p) {
        String name = String.valueOf(p.getFileName());
        if (!p.startsWith(procRoot)) return !CGROUP_LISTS.contains(name);
        Path dir = p.getParent();
        if (dir.equals(procRoot)) return PROC_ONE_RECORD.contains(name);
        String d = String.valueOf(dir.getFileName());
        return !d.isEmpty() && Character.isDigit(d.charAt(0)) && PID_ONE_RECORD.contains(name);
    }

    /**
     * Descriptors to keep at most, from the process's open-files limit: half of it (the JVM raises
     * the soft limit to the hard one; systemd's default hard limit is 524288), at least 1024.
     */
    public static int defaultCap() {
        return (int) Math.clamp(fdLimit() / 2, 1024, 1 << 19);
    }

    /** This process's open-files limit (the JVM raises the soft limit to the hard one), or 8192 if unreadable. */
    static long fdLimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = io.jlxcfs.cgroup.Fields.of(line.substring("Max open files".length()))[0];
                    return soft.equals("unlimited") ? 1 << 20 : Long.parseLong(soft);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through
        }
        return 8192;
    }

    private record Use(Path path, KeptFd fd, long lastUse) {
    }

    /** Over the cap: closes the least recently read quarter. */
    private synchronized void trim() {
        if (open.size() <= maxOpen) return;
        // sort a snapshot of the times: readers move lastUse while we sort
        List<Use> all = new ArrayList<>(open.size());
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) all.add(new Use(e.getKey(), e.getValue(), e.getValue().lastUse));
        all.sort(Comparator.comparingLong(Use::lastUse));
        for (int i = 0; i < all.size() / 4 + 1; i++) drop(all.get(i).path(), all.get(i).fd());
    }

    /** Closes descriptors nobody read for {@code unusedNanos}; drops memos past use. */
    public void prune(long now, long unusedNanos) {
        long t = System.nanoTime();
        for (Map.Entry<Path, Memo> e : memos.entrySet()) {
            Memo m = e.getValue();
            if (t - m.readAt() >= (m.limit() ? LIMIT_MAX_AGE : Math.max(hostFreshnessNanos, 1_000_000_000L))) {
                memos.remove(e.getKey(), m);
            }
        }
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) {
            if (t - e.getValue().lastUse >= unusedNanos) drop(e.getKey(), e.getValue());
        }
    }

    /** Forgets every descriptor below {@code dir} (a removed cgroup). */
    public void forget(Path dir) {
        memos.keySet().removeIf(p -> p.startsWith(dir));
        kinds.keySet().removeIf(p -> p.startsWith(dir));
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) {
            if (e.getKey().startsWith(dir)) drop(e.getKey(), e.getValue());
        }
    }

    private void drop(Path p, KeptFd f) {
        if (open.remove(p, f)) f.release();
    }

    public void close() {
        memos.clear();
        kinds.clear();
        for (Map.Entry<Path, KeptFd> e : open.entrySet()) drop(e.getKey(), e.getValue());
    }
}
