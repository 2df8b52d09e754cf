package io.jlxcfs.host;

import io.jlxcfs.cgroup.Fields;
/**
 * The parts of /proc/PID/status the caller resolution needs.
 *
 * @param pid   the pid that was read
 * @param ppid  PPid (0 when the parent is outside the reader's pid namespace)
 * @param nsPid NSpid: the pid in each pid namespace from the procfs's one down to the innermost
 */
public record ProcStatus(int pid, int ppid, int[] nsPid) {

    public ProcStatus {
        nsPid = nsPid.clone();
    }

    @Override
    public int[] nsPid() {
        return nsPid.clone();
    }

    /** In the procfs's (the daemon's) pid namespace itself. */
    public boolean inReaderNamespace() {
        return nsPid.length <= 1;
    }

    /** Pid 1 of its innermost namespace. */
    public boolean isNamespaceInit() {
        return nsPid.length > 1 && nsPid[nsPid.length - 1] == 1;
    }

    /** Null for garbage or a status without NSpid (kernels before 4.1). */
    public static ProcStatus parse(int pid, String text) {
        if (text == null) return null;
        int ppid = -1;
        int[] ns = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("PPid:")) {
                ppid = parseInt(line.substring(5).trim());
            } else if (line.startsWith("NSpid:")) {
                String[] f = Fields.of(line.substring(6));
                ns = new int[f.length];
                for (int i = 0; i < f.length; i++) ns[i] = parseInt(f[i]);
            }
        }
        if (ppid < 0 || ns == null) return null;
        for (int v : ns) {
            if (v < 0) return null;
        }
        return new ProcStatus(pid, ppid, ns);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
