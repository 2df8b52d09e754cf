package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Golden files under src/test/resources/integration; {@code -Djlxcfs.golden.update=true} rewrites them. */
final class Golden {

    private Golden() {
    }

    static String read(String name) throws IOException {
        try (InputStream in = Golden.class.getResourceAsStream("/integration/" + name)) {
            if (in == null) throw new IOException("missing golden file integration/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertGolden(String name, String actual) throws IOException {
        if (Boolean.getBoolean("jlxcfs.golden.update")) {
            Path p = Path.of("test/resources/integration", name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, actual);
            return;
        }
        assertEquals(read(name), actual, name);
    }
}
