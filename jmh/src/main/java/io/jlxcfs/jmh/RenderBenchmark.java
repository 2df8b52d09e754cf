package io.jlxcfs.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.VirtualFile;

/**
 * One whole render of each virtual file through the public view API, for the benchmark's own pid
 * (so in this process's cgroups): gather (cgroup + host files) and render, without FUSE.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RenderBenchmark {

    @Param({"PROC_MEMINFO", "PROC_CPUINFO", "PROC_STAT", "PROC_UPTIME", "PROC_LOADAVG", "PROC_DISKSTATS",
            "PROC_SWAPS", "PROC_SLABINFO", "PROC_PRESSURE_CPU", "PROC_PRESSURE_IO", "PROC_PRESSURE_MEMORY",
            "SYS_CPU_ONLINE"})
    public String file;

    private Views views;
    private VirtualFile vf;
    private int pid;

    @Setup
    public void setUp() {
        views = new Views(ViewConfig.defaults());
        vf = VirtualFile.valueOf(file);
        pid = (int) ProcessHandle.current().pid();
    }

    @TearDown
    public void tearDown() {
        views.close();
    }

    @Benchmark
    public byte[] render() {
        return views.render(vf, pid);
    }
}
