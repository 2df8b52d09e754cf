package io.jlxcfs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.jlxcfs.daemon.Log;

/** Carries out a {@link CgroupPlan} and undoes it. */
final class CgroupSetup {

    private CgroupSetup() {
    }

    /**
     * Creates the plan's cgroups and writes their limits. On failure removes what it created and
     * throws, naming the file.
     */
    static void apply(CgroupPlan plan) throws IOException {
        List<Path> made = new ArrayList<>();
        try {
            for (CgroupPlan.Step s : plan.steps()) step(s, made);
        } catch (IOException | RuntimeException e) {
            destroy(made);
            throw e;
        }
    }

    private static void step(CgroupPlan.Step s, List<Path> made) throws IOException {
        switch (s) {
            case CgroupPlan.Mkdir m -> {
                Files.createDirectory(m.dir());
                made.add(m.dir());
            }
            case CgroupPlan.Write w -> write(w);
            case CgroupPlan.CopyFromParent c -> write(c.dir().resolve(c.file()), Files.readString(c.dir().getParent().resolve(c.file())).strip());
            case CgroupPlan.EnableControllers e -> enable(e);
        }
    }

    private static void write(CgroupPlan.Write w) throws IOException {
        if (w.optional() && !Files.exists(w.file())) {
            Log.warn("%s does not exist (no swap accounting?): limit not set", w.file());
            return;
        }
        write(w.file(), w.value());
    }

    private static void write(Path file, String value) throws IOException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IOException("cannot write '" + value + "' to " + file + ": " + reason(e), e);
        }
    }

    /** Enables in the parent's subtree_control only the controllers it offers and has not enabled yet. */
    private static void enable(CgroupPlan.EnableControllers e) throws IOException {
        Set<String> offered = Set.of(Files.readString(e.parent().resolve("cgroup.controllers")).strip().split("\\s+"));
        Set<String> on = Set.of(Files.readString(e.parent().resolve("cgroup.subtree_control")).strip().split("\\s+"));
        for (String c : e.controllers()) {
            if (!offered.contains(c) || on.contains(c)) continue;
            try {
                write(e.parent().resolve("cgroup.subtree_control"), "+" + c);
            } catch (IOException ex) {
                throw new IOException(ex.getMessage() + " (cgroup v2 allows no processes in a cgroup that hands"
                        + " controllers down: start jlxcfs run from a delegated leaf, e.g. systemd-run --scope -p Delegate=yes)", ex);
            }
        }
    }

    /** Removes the directories in reverse order; retries while dying tasks still hold them. */
    static boolean destroy(List<Path> dirs) {
        boolean ok = true;
        for (int i = dirs.size() - 1; i >= 0; i--) ok &= rmdir(dirs.get(i));
        return ok;
    }

    private static boolean rmdir(Path d) {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Files.delete(d);
                return true;
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                last = e;
                sleep(20 + attempt * 5L);
            }
        }
        Log.warn("cannot remove cgroup %s: %s", d, reason(last));
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        return String.valueOf(e.getMessage());
    }
}
