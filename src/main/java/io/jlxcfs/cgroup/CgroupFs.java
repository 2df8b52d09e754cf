package io.jlxcfs.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Small whole-file reads of cgroup and proc files. Every method returns null instead of throwing,
 * so a file that vanished, cannot be read or holds garbage becomes "unknown" for the caller.
 * Tests subclass it to make files disappear between two reads.
 */
public class CgroupFs {

    /** The file's text, or null if it cannot be read. */
    public String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public boolean exists(Path p) {
        return Files.exists(p);
    }

    /** "key value" lines (memory.stat, cpu.stat) as a map; null if the file cannot be read. */
    public Map<String, Long> keyValues(Path p) {
        String s = read(p);
        if (s == null) return null;
        Map<String, Long> m = new HashMap<>();
        for (String line : s.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp <= 0) continue;
            Long v = Values.counter(line.substring(sp + 1));
            if (v != null) m.put(line.substring(0, sp), v);
        }
        return m;
    }
}
