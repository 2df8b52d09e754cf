package io.jlxcfs.caller;

/**
 * Whose view a read gets.
 *
 * @param pid       the reading thread, as fuse_req_ctx reported it
 * @param viewPid   the process whose cgroups define the view: the init of the caller's pid namespace,
 *                  or the caller itself when it shares the daemon's pid namespace
 * @param sharedNs  the caller is in the daemon's (procfs's) pid namespace
 * @param startTime start time of {@code viewPid} in clock ticks after boot (field 22 of its stat)
 * @param cgroups   {@code viewPid}'s cgroups
 */
public record Caller(int pid, int viewPid, boolean sharedNs, long startTime, CgroupPaths cgroups) {
}
