package io.jlxcfs.caller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.jlxcfs.daemon.Log;
import io.jlxcfs.host.ProcReader;
import io.jlxcfs.host.ProcStatus;

/**
 * Finds whose view a caller gets, without forking and without touching /proc/1: the init of the
 * caller's pid namespace is the process in the same namespace (same /proc/PID/ns/pid link) whose
 * innermost NSpid is 1. It is found by walking PPid up from the caller, or, when the walk leaves the
 * namespace first (a {@code docker exec}'d process whose parent is outside), by scanning /proc.
 * Results are cached per namespace and checked against the init's start time, so a reused pid never
 * yields a stale view.
 */
public final class CallerResolver {

    /** Namespaces remembered (one per container); all are forgotten when it fills. */
    static final int MAX_CACHE = 65_536;
    private static final int MAX_WALK = 4096;

    private record Init(int pid, long startTime) {
    }

    private final ProcReader proc;
    private final Map<String, Init> inits = new ConcurrentHashMap<>();

    public CallerResolver(ProcReader proc) {
        this.proc = proc;
    }

    /** The caller's view, or null (pid 0, process gone, unreadable proc files): serve the host file. */
    public Caller resolve(int pid) {
        if (pid <= 0) return null;
        ProcStatus st = proc.status(pid);
        if (st == null) {
            Log.once(Log.INFO, "caller-gone", "caller %d is gone or its status unreadable; serving host files", pid);
            return null;
        }
        if (st.inReaderNamespace()) return caller(pid, pid, true);
        Init init = st.isNamespaceInit() ? current(pid) : initOf(pid, st);
        if (init == null) {
            Log.once(Log.WARNING, "no-ns-init", "no init found for the pid namespace of %d; using its own cgroup", pid);
            return caller(pid, pid, false);
        }
        return caller(pid, init.pid, false);
    }

    private Caller caller(int pid, int viewPid, boolean shared) {
        CgroupPaths paths = CgroupPaths.parse(proc.cgroup(viewPid));
        long start = proc.startTime(viewPid);
        if (paths == null || start < 0) {
            Log.once(Log.INFO, "caller-cgroup-gone", "cannot read the cgroups of %d; serving host files", viewPid);
            return null;
        }
        return new Caller(pid, viewPid, shared, start, paths);
    }

    private Init current(int pid) {
        long start = proc.startTime(pid);
        return start < 0 ? null : new Init(pid, start);
    }

    /** The init of {@code pid}'s namespace: cached, else the PPid walk, else the /proc scan. */
    private Init initOf(int pid, ProcStatus st) {
        String ns = proc.pidNamespace(pid);
        if (ns == null) return null;
        Init cached = inits.get(ns);
        if (cached != null && valid(cached, ns)) return cached;
        Init found = walk(st, ns);
        if (found == null) found = scan(ns);
        if (found != null) {
            if (inits.size() >= MAX_CACHE) inits.clear();
            inits.put(ns, found);
        } else if (cached != null) {
            inits.remove(ns);
        }
        return found;
    }

    /** The cached init still runs (same start time) and is still in that namespace as its pid 1. */
    private boolean valid(Init init, String ns) {
        if (proc.startTime(init.pid) != init.startTime) return false;
        ProcStatus st = proc.status(init.pid);
        return st != null && st.isNamespaceInit() && ns.equals(proc.pidNamespace(init.pid));
    }

    private Init walk(ProcStatus st, String ns) {
        ProcStatus cur = st;
        for (int i = 0; i < MAX_WALK && cur != null && cur.ppid() > 1; i++) {
            int parent = cur.ppid();
            cur = proc.status(parent);
            if (cur == null || !ns.equals(proc.pidNamespace(parent))) return null;
            if (cur.isNamespaceInit()) return current(parent);
        }
        return null;
    }

    private Init scan(String ns) {
        for (int p : proc.pids()) {
            ProcStatus st = proc.status(p);
            if (st != null && st.isNamespaceInit() && ns.equals(proc.pidNamespace(p))) return current(p);
        }
        return null;
    }

    /** Forgets every cached namespace init. */
    public void clear() {
        inits.clear();
    }

    int cachedNamespaces() {
        return inits.size();
    }
}
