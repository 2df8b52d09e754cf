package io.jlxcfs.view.extra;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures one loadavg sweep over N real cgroups (default 1000), each holding one sleeping process,
 * plus the read latency seen by a reader meanwhile. Creates its cgroups below this process's own v1
 * cpu cgroup ({@code jlxcfs-test-bench-*}) and removes them at the end. Not a unit test: run by hand
 * (see docs/views2.md).
 */
public final class LoadSweepBench {

    private LoadSweepBench() {
    }

    private static long countTasks(List<Path> dirs) {
        TaskCounter c = new TaskCounter(Path.of("/proc"));
        long t = 0;
        for (Path d : dirs) {
            TaskCounts x = c.count(d);
            if (x != null) t += x.total();
        }
        return t;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perCg = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        int sweeps = 50, warmup = 10;
        try (TestCgroups cg = new TestCgroups()) {
            List<Path> dirs = new ArrayList<>();
            long t0 = System.nanoTime();
            StringBuilder script = new StringBuilder("for d in");
            for (int i = 0; i < n; i++) {
                Path d = cg.create("cpu", "bench" + i);
                dirs.add(d);
                script.append(' ').append(d);
            }
            // one shell starts them all (forking from the JVM 1000 times takes a minute)
            script.append("; do sh -c 'echo $$ > \"$1\"/cgroup.procs; i=1; while [ $i -lt ").append(perCg)
                    .append(" ]; do sleep 600 & i=$((i+1)); done; exec sleep 600' _ \"$d\" & done; wait");
            cg.start(script.toString());
            while (countTasks(dirs) < (long) n * perCg) Thread.sleep(200);
            System.out.printf("setup: %d cgroups x %d processes in %d ms%n", n, perCg, (System.nanoTime() - t0) / 1_000_000);

            LoadSampler sampler = new LoadSampler(Path.of("/proc"), Duration.ofHours(1), System::nanoTime, false);
            for (Path d : dirs) sampler.read(d);
            sampler.countNew();
            for (int i = 0; i < warmup; i++) sampler.sweep();
            long[] ns = new long[sweeps];
            for (int i = 0; i < sweeps; i++) {
                long s = System.nanoTime();
                sampler.sweep();
                ns[i] = System.nanoTime() - s;
            }
            Arrays.sort(ns);
            LoadSampler.Snapshot snap = sampler.read(dirs.get(0));
            System.out.printf("sweep over %d cgroups: median %.1f ms, min %.1f ms, max %.1f ms (%.1f us per cgroup); sample %s%n",
                    sampler.size(), ns[sweeps / 2] / 1e6, ns[0] / 1e6, ns[sweeps - 1] / 1e6, ns[sweeps / 2] / 1e3 / n,
                    snap.tasks());

            // reader latency while a threaded sampler sweeps continuously
            try (LoadSampler live = new LoadSampler(Path.of("/proc"), Duration.ofMillis(1), Duration.ofHours(1))) {
                for (Path d : dirs) live.read(d);
                long[] r = new long[200_000];
                for (int i = 0; i < r.length; i++) {
                    long s = System.nanoTime();
                    LoadSampler.Snapshot x = live.read(dirs.get(i % n));
                    byte[] out = LoadavgRenderer.render(x.load(), x.tasks());
                    r[i] = System.nanoTime() - s + (out.length == 0 ? 1 : 0);
                }
                Arrays.sort(r);
                System.out.printf("read+render while sampling: p50 %.2f us, p99 %.2f us, max %.1f us%n",
                        r[r.length / 2] / 1e3, r[r.length * 99 / 100] / 1e3, r[r.length - 1] / 1e3);
            }
        }
    }
}
