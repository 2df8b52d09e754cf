package io.jlxcfs.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * Publishes the daemon's counters as JSON beside its pidfile ({@code jlxcfs.pid} ->
 * {@code jlxcfs.pid.stats.json}), atomically (write + rename): operators read them with
 * {@code jlxcfs stats}, never through the mount, which containers see. Looked at once a second and
 * written when a counter changed (the {@link #HEAP} figures aside: they move with every allocation,
 * this writer's own too), and at least every {@link #HEARTBEAT_NANOS}: an idle daemon does not
 * rewrite an unchanged file every second.
 *
 * <p>Written with jackson-core's streaming generator: jackson-databind would load some 400
 * classes (metaspace, for the daemon's whole life) to print a dozen counters.
 */
final class StatsWriter {

    private static final JsonFactory JSON = new JsonFactory();

    /** The key whose values change without activity (the JVM's heap), left out of the comparison. */
    static final String HEAP = "heap";

    /** The longest an unchanged file goes unwritten ("time" says when it was). */
    static final long HEARTBEAT_NANOS = 10_000_000_000L;

    private StatsWriter() {
    }

    static Path statsPath(Path pidfile) {
        return pidfile.resolveSibling(pidfile.getFileName() + ".stats.json");
    }

    static Thread start(Path file, Supplier<Map<String, Object>> stats) {
        return Thread.ofPlatform().daemon().name("jlxcfs-stats").start(() -> {
            Map<String, Object> written = null;
            long writtenAt = 0;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Map<String, Object> now = stats.get();
                    long t = System.nanoTime();
                    if (written == null || changed(written, now) || t - writtenAt >= HEARTBEAT_NANOS) {
                        write(file, now);
                        written = now;
                        writtenAt = t;
                    }
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

    /** Whether a counter differs between two snapshots ({@link #HEAP} aside). */
    static boolean changed(Map<String, Object> before, Map<String, Object> now) {
        if (before.size() != now.size()) return true;
        for (Map.Entry<String, Object> e : now.entrySet()) {
            if (!e.getKey().equals(HEAP) && !java.util.Objects.equals(e.getValue(), before.get(e.getKey()))) return true;
        }
        return false;
    }

    static void write(Path file, Map<String, Object> stats) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("time", System.currentTimeMillis());
        doc.putAll(stats);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (JsonGenerator g = JSON.createGenerator(tmp.toFile(), com.fasterxml.jackson.core.JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            value(g, doc);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Maps, records, numbers, booleans and strings (anything else as its string). */
    static void value(JsonGenerator g, Object v) throws IOException {
        switch (v) {
            case null -> g.writeNull();
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Record r -> {
                g.writeStartObject();
                for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
                    g.writeFieldName(c.getName());
                    try {
                        value(g, c.getAccessor().invoke(r));
                    } catch (ReflectiveOperationException e) {
                        g.writeNull();
                    }
                }
                g.writeEndObject();
            }
            case Long n -> g.writeNumber(n);
            case Integer n -> g.writeNumber(n);
            case Double n -> g.writeNumber(n);
            case Boolean b -> g.writeBoolean(b);
            default -> g.writeString(v.toString());
        }
    }

    static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // stale stats are marked by their pid
        }
    }
}
