package io.jlxcfs.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code jlxcfs run} does to the cgroup tree, decided from the host layout and the limits
 * alone (pure, so both v1 and v2 are tested without touching cgroups): the directories to create
 * below the caller's own cgroups, in order, and the files to write in each.
 *
 * @param dirs  the created directories (join = write the pid into each {@code cgroup.procs};
 *              remove in reverse order)
 * @param steps what to do, in order
 */
public record CgroupPlan(List<Path> dirs, List<Step> steps) {

    /** The v1 controllers a container gets its own cgroup in (those that are mounted). */
    static final List<String> V1_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "cpuset", "pids", "blkio");

    /** The v2 controllers enabled for the new child (those the parent offers). */
    static final List<String> V2_CONTROLLERS = List.of("memory", "cpu", "cpuset", "pids", "io");

    /** One action on the cgroup tree. */
    public sealed interface Step {
    }

    /** mkdir. */
    public record Mkdir(Path dir) implements Step {
    }

    /** Write {@code value} into {@code file}; {@code optional}: skip with a warning when the file is absent. */
    public record Write(Path file, String value, boolean optional) implements Step {
    }

    /** Copy a file's value from the parent directory (cpuset.mems/cpus in v1 start empty). */
    public record CopyFromParent(Path dir, String file) implements Step {
    }

    /** Write {@code +ctl} into the parent's cgroup.subtree_control for each controller it offers. */
    public record EnableControllers(Path parent, List<String> controllers) implements Step {
    }

    public static CgroupPlan plan(CgroupHost host, RunLimits limits, String name) {
        return host.isV1() ? v1(host, limits, name) : v2(host, limits, name);
    }

    static CgroupPlan v1(CgroupHost host, RunLimits l, String name) {
        List<Path> dirs = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        for (CgroupHost.Hierarchy h : host.v1()) {
            if (h.controllers().stream().noneMatch(V1_CONTROLLERS::contains)) continue;
            Path d = h.ownDir().resolve(name);
            dirs.add(d);
            steps.add(new Mkdir(d));
            if (h.controllers().contains("cpuset")) v1Cpuset(d, l, steps);
            if (h.controllers().contains("memory")) v1Memory(d, l, steps);
            if (h.controllers().contains("cpu")) v1Cpu(d, l, steps);
            if (h.controllers().contains("pids")) l.pidsMax().ifPresent(n -> steps.add(new Write(d.resolve("pids.max"), Long.toString(n), false)));
        }
        return new CgroupPlan(List.copyOf(dirs), List.copyOf(steps));
    }

    /** A fresh v1 cpuset has empty cpus and mems: no task can join until both are set. */
    private static void v1Cpuset(Path d, RunLimits l, List<Step> steps) {
        steps.add(new CopyFromParent(d, "cpuset.mems"));
        if (l.cpuset().isPresent()) steps.add(new Write(d.resolve("cpuset.cpus"), l.cpuset().get(), false));
        else steps.add(new CopyFromParent(d, "cpuset.cpus"));
    }

    /** memory first: memsw may never be below memory. memsw is absent without swap accounting. */
    private static void v1Memory(Path d, RunLimits l, List<Step> steps) {
        l.memoryBytes().ifPresent(m -> steps.add(new Write(d.resolve("memory.limit_in_bytes"), Long.toString(m), false)));
        l.memSwapBytes().ifPresent(m -> steps.add(new Write(d.resolve("memory.memsw.limit_in_bytes"), Long.toString(m), true)));
    }

    private static void v1Cpu(Path d, RunLimits l, List<Step> steps) {
        l.cfsQuotaMicros().ifPresent(q -> {
            steps.add(new Write(d.resolve("cpu.cfs_period_us"), Long.toString(RunLimits.CFS_PERIOD_US), false));
            steps.add(new Write(d.resolve("cpu.cfs_quota_us"), Long.toString(q), false));
        });
    }

    static CgroupPlan v2(CgroupHost host, RunLimits l, String name) {
        CgroupHost.Hierarchy u = host.unified().orElseThrow(() -> new IllegalStateException(
                "no cgroup v1 memory hierarchy and no cgroup2 mount found in /proc/self/mountinfo"));
        Path d = u.ownDir().resolve(name);
        List<Step> steps = new ArrayList<>();
        steps.add(new EnableControllers(u.ownDir(), V2_CONTROLLERS));
        steps.add(new Mkdir(d));
        l.memoryBytes().ifPresent(m -> steps.add(new Write(d.resolve("memory.max"), Long.toString(m), false)));
        l.memSwapBytes().ifPresent(t -> steps.add(new Write(d.resolve("memory.swap.max"), v2Swap(l, t), true)));
        l.cfsQuotaMicros().ifPresent(q -> steps.add(new Write(d.resolve("cpu.max"), q + " " + RunLimits.CFS_PERIOD_US, false)));
        l.cpuset().ifPresent(c -> steps.add(new Write(d.resolve("cpuset.cpus"), c, false)));
        l.pidsMax().ifPresent(n -> steps.add(new Write(d.resolve("pids.max"), Long.toString(n), false)));
        return new CgroupPlan(List.of(d), List.copyOf(steps));
    }

    /** v2 limits swap alone: docker's total minus memory; -1 = max. */
    static String v2Swap(RunLimits l, long total) {
        if (total < 0) return "max";
        return Long.toString(total - l.memoryBytes().orElse(0));
    }
}
