package io.jlxcfs.view.extra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths into src/test/resources/fixtures/extra. */
final class Fixtures {

    private Fixtures() {
    }

    static Path root() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/extra").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path path(String rel) {
        return root().resolve(rel);
    }

    static String text(String rel) {
        try {
            return Files.readString(path(rel), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String golden(String name) {
        return text("golden/" + name);
    }

    static String str(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    static final String CTR1 = "v2/sys/fs/cgroup/kubepods.slice/pod-a/ctr-1";
    static final String CTR2 = "v2/sys/fs/cgroup/kubepods.slice/pod-b/ctr-2";
}
