package io.jlxcfs.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Publishes the daemon's counters as JSON beside its pidfile ({@code jlxcfs.pid} ->
 * {@code jlxcfs.pid.stats.json}), once a second, atomically (write + rename): operators read them
 * with {@code jlxcfs stats}, never through the mount, which containers see.
 */
final class StatsWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatsWriter() {
    }

    static Path statsPath(Path pidfile) {
        return pidfile.resolveSibling(pidfile.getFileName() + ".stats.json");
    }

    static Thread start(Path file, Supplier<Map<String, Object>> stats) {
        return Thread.ofPlatform().daemon().name("jlxcfs-stats").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    write(file, stats.get());
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException | RuntimeException e) {
                    Log.once(Log.WARNING, "stats-write", "cannot write %s: %s", file, e);
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    static void write(Path file, Map<String, Object> stats) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("time", System.currentTimeMillis());
        doc.putAll(stats);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), doc);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // stale stats are marked by their pid
        }
    }
}
