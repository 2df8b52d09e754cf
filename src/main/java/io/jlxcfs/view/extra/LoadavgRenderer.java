package io.jlxcfs.view.extra;

import java.nio.charset.StandardCharsets;

/** Renders {@code /proc/loadavg}: {@code "a.aa b.bb c.cc running/total lastpid\n"}. Pure. */
public final class LoadavgRenderer {

    private LoadavgRenderer() {
    }

    public static byte[] render(LoadAvg load, TaskCounts tasks) {
        String s = LoadAvg.format(load.avg1()) + " " + LoadAvg.format(load.avg5()) + " "
                + LoadAvg.format(load.avg15()) + " " + tasks.running() + "/" + tasks.total() + " "
                + tasks.lastPid() + "\n";
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
