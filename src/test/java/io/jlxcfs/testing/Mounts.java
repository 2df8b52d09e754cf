package io.jlxcfs.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads /proc/self/mountinfo. */
public final class Mounts {

    private Mounts() {
    }

    /** Whether a FUSE filesystem is mounted exactly at {@code dir}. */
    public static boolean isFuseMount(Path dir) {
        return fsType(dir).startsWith("fuse");
    }

    /** The filesystem type mounted at {@code dir} ("" when nothing is). */
    public static String fsType(Path dir) {
        String want = dir.toAbsolutePath().normalize().toString();
        try {
            String type = "";
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = java.util.Arrays.asList(f).indexOf("-");
                if (f.length > 4 && f[4].equals(want) && dash > 0) type = f[dash + 1];
            }
            return type;
        } catch (IOException e) {
            return "";
        }
    }
}
