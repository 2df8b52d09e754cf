package io.jlxcfs.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxcfs bench [OPTIONS] ROOT...}: measures each ROOT (a mountpoint with the LXCFS layout;
 * {@code /} for the kernel's own files) side by side, readers inside a fresh memory cgroup.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {"Measure LXCFS-like mounts side by side: per file and thread count, each reader thread loops",
                "open + read to EOF + close inside a fresh memory cgroup (so each mount renders a container's view).",
                "Rounds interleave the ROOTs and rotate their order so drift hits all alike."},
        footer = {"", "Examples:",
                "  jlxcfs bench / /var/lib/lxcfs --pid /var/lib/lxcfs=$(pidof lxcfs) --baseline /var/lib/lxcfs",
                "  jlxcfs bench --files meminfo --threads 1 /tmp/floor      (a flat root: FILE is relative to ROOT)",
                "  jlxcfs bench --fleet 200 --files proc/meminfo --pidfile /run/lxcfs.pid /var/lib/lxcfs"})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "ROOT", description = "Mountpoints to measure; / reads the kernel's files.")
    List<String> roots = new ArrayList<>();

    @Option(names = "--files", split = ",", paramLabel = "FILE", description = "Files relative to each ROOT (default: every virtual file but slabinfo that exists below all ROOTs).")
    List<String> files = new ArrayList<>();

    @Option(names = "--threads", split = ",", paramLabel = "N", description = "Reader thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads = new ArrayList<>(List.of(1, 2, 8));

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Measured time per configuration per round (default: ${DEFAULT-VALUE}).")
    double duration = 1.0;

    @Option(names = "--interval", paramLabel = "MS", description = "Each reader reads once every MS milliseconds, as a sampling agent does, instead of back to back (default: 0, back to back). With a server's cache, an interval longer than its freshness window makes every read a miss after idle time.")
    double intervalMs = 0;

    @Option(names = "--warmup", paramLabel = "N", description = "Unmeasured reads per thread before each measurement (default: ${DEFAULT-VALUE}).")
    int warmup = 200;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds; each measures every configuration on every ROOT (default: ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit of the readers' cgroup(s) (default: ${DEFAULT-VALUE}).")
    String memory = "50M";

    @Option(names = "--no-cgroup", description = "Read from the bench's own cgroup (no root needed; mounts then render that cgroup's view).")
    boolean noCgroup;

    @Option(names = "--pid", paramLabel = "[ROOT=]PID", description = "Server pid for CPU/read and RSS: ROOT=PID, or bare PIDs for the ROOTs in order. Repeatable.")
    List<String> pids = new ArrayList<>();

    @Option(names = "--pidfile", paramLabel = "[ROOT=]FILE", description = "Like --pid, read from a pidfile. Repeatable.")
    List<String> pidfiles = new ArrayList<>();

    @Option(names = "--baseline", paramLabel = "ROOT", description = "Also print every ROOT's figures as ratios to this ROOT's.")
    String baseline;

    @Option(names = "--fleet", paramLabel = "N", description = "Fleet mode: N reader threads, each in a memory cgroup of its own (cgroup v1), instead of --threads.")
    int fleet;

    @Option(names = "--reader", paramLabel = "KIND", converter = KindConverter.class,
            description = "Reader loop: native (libc via FFM, allocation-free), channel (FileChannel), stream (FileInputStream) (default: native).")
    ReadLoop.Kind reader = ReadLoop.Kind.NATIVE;

    /** Case-insensitive reader kinds ("native"). */
    static final class KindConverter implements CommandLine.ITypeConverter<ReadLoop.Kind> {
        @Override
        public ReadLoop.Kind convert(String value) {
            try {
                return ReadLoop.Kind.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("expected native, channel or stream but was '" + value + "'");
            }
        }
    }

    @Option(names = "--json", description = "One JSON document on stdout instead of the tables; no progress.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    /** Validated inputs of a run. */
    record Plan(List<String> files, List<Schedule.Config> configs, List<Schedule.Step> steps, List<Integer> serverPids,
                long memoryBytes) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Plan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (plan.files().isEmpty()) throw new CommandLine.ParameterException(spec.commandLine(), "no file is readable below every ROOT");
        try {
            List<Summary.Row> rows = Summary.rows(roots, measure(plan, err), fleet > 0);
            List<Summary.Ratio> ratios = baseline == null ? List.of() : Summary.ratios(rows, roots.get(BenchOptions.indexOfRoot(roots, baseline)));
            if (json) {
                out.println(Report.json(new Report.Document("jlxcfs bench", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        machine(), settings(plan), rows, ratios)));
                out.flush();
            } else {
                Report.table(out, rows);
                Report.ratioTable(out, ratios);
            }
            return 0;
        } catch (IOException e) {
            err.println("jlxcfs bench: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    Plan plan() {
        if (duration <= 0) throw new IllegalArgumentException("--duration must be positive");
        if (intervalMs < 0 || intervalMs * 1e6 >= duration * 1e9) {
            throw new IllegalArgumentException("--interval must be >= 0 and shorter than --duration");
        }
        if (warmup < 0 || rounds < 1 || fleet < 0) throw new IllegalArgumentException("--warmup >= 0, --rounds >= 1, --fleet >= 0");
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) throw new IllegalArgumentException("--threads must be positive");
        if (baseline != null && BenchOptions.indexOfRoot(roots, baseline) < 0) {
            throw new IllegalArgumentException("--baseline " + baseline + " is not one of the ROOTs " + roots);
        }
        long mem = BenchOptions.parseSize(memory);
        List<String> fs = BenchOptions.files(roots, files, Files::isReadable);
        List<Integer> ps = BenchOptions.serverPids(roots, pids, pidfiles, BenchOptions::readPidfile);
        List<Schedule.Config> configs = Schedule.configs(fs, fleet > 0 ? List.of(fleet) : threads);
        return new Plan(fs, configs, Schedule.of(roots.size(), configs, rounds), ps, mem);
    }

    private List<Summary.Measured> measure(Plan plan, PrintWriter err) throws IOException {
        BenchCgroup cgroup = noCgroup ? null : BenchCgroup.create(plan.memoryBytes(), Math.max(1, fleet));
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            StepRunner.stop = true;
            if (cgroup != null) cgroup.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            StepRunner runner = new StepRunner(reader, cgroup, warmup, (long) (duration * 1e9), (long) (intervalMs * 1e6));
            Progress progress = new Progress(err, quiet || json, plan.steps().size(), duration);
            List<Summary.Measured> out = new ArrayList<>();
            for (Schedule.Step s : plan.steps()) {
                progress.step(out.size(), s, roots.get(s.root()), rounds);
                Path file = Path.of(roots.get(s.root())).resolve(s.config().file());
                out.add(new Summary.Measured(s, runner.run(file, s.config().threads(), fleet > 0, plan.serverPids().get(s.root()))));
                if (StepRunner.stop) throw new IOException("interrupted");
            }
            return out;
        } finally {
            if (cgroup != null) cgroup.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs (close() is idempotent)
            }
        }
    }

    private Report.Settings settings(Plan plan) {
        return new Report.Settings(roots, plan.files(), fleet > 0 ? List.of(fleet) : threads, duration, intervalMs, warmup, rounds,
                plan.memoryBytes(), fleet, reader.name().toLowerCase(Locale.ROOT), baseline, plan.serverPids());
    }

    private Report.Machine machine() {
        return new Report.Machine(firstLine(Path.of("/proc/sys/kernel/osrelease")), Runtime.getRuntime().availableProcessors(),
                cpuModel(), System.getProperty("java.vm.name") + " " + Runtime.version(),
                noCgroup ? "none" : Files.isDirectory(Path.of("/sys/fs/cgroup/memory")) ? "v1" : "v2");
    }

    private static String firstLine(Path p) {
        try {
            return Files.readAllLines(p).getFirst().trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
