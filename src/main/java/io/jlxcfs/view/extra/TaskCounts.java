package io.jlxcfs.view.extra;

/**
 * What one sample of a cgroup subtree's threads found.
 *
 * @param running         threads in state R
 * @param uninterruptible threads in state D
 * @param total           all threads listed in the subtree's task files
 * @param lastPid         the newest thread's id in its own (innermost) pid namespace, 0 if unknown
 */
public record TaskCounts(int running, int uninterruptible, int total, long lastPid) {

    public static final TaskCounts NONE = new TaskCounts(0, 0, 0, 0);

    /** Threads that count towards the load average (R + D), as in the kernel. */
    public int active() {
        return running + uninterruptible;
    }
}
