package io.jlxcfs.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's top directory, found from the test's working directory. */
final class Repo {

    private Repo() {
    }

    static Path top() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("scripts/lib.sh")) && Files.isDirectory(d.resolve("deploy"))) return d;
        }
        throw new IllegalStateException("repository top not found above " + System.getProperty("user.dir"));
    }
}
