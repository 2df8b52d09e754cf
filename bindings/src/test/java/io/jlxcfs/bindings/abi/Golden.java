package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.FuseVersions.Version;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The per-release libfuse ABI numbers in {@code libfuse-abi-golden.txt} (releases we cannot compile
 * against here: 3.16.2, 3.17.4, 3.18.2, plus the installed 3.14.0 to tie the file to the probe).
 */
record Golden(Map<Version, Map<String, Long>> rows) {

    static final String RESOURCE = "libfuse-abi-golden.txt";

    static Golden load() {
        try (InputStream in = Golden.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the test classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE, e);
        }
    }

    static Golden parse(String text) {
        Map<Version, Map<String, Long>> rows = new TreeMap<>();
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
            String[] f = l.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException("bad golden line: " + l);
            }
            rows.computeIfAbsent(Version.parse(f[0]), v -> new TreeMap<>()).put(f[1], Long.parseLong(f[2]));
        });
        return new Golden(rows);
    }

    Map<String, Long> of(Version release) {
        return rows.getOrDefault(release, Map.of());
    }

    /** The golden release with the given major.minor (headers carry no patch number). */
    Optional<Version> release(int major, int minor) {
        return rows.keySet().stream().filter(v -> v.major() == major && v.minor() == minor).findFirst();
    }

    /**
     * The probe/Java key a golden {@code sizeof}/{@code alignof}/{@code offsetof}/{@code bitword}
     * key corresponds to ({@code bitpos} keys are compared separately, as bit positions).
     */
    static String probeKey(String goldenKey) {
        if (goldenKey.equals("bitword.fuse_file_info.direct_io")) {
            return "offsetof.fuse_file_info.bits";
        }
        return goldenKey.startsWith("bitword.") ? "offsetof." + goldenKey.substring("bitword.".length()) : goldenKey;
    }
}
