package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.jlxcfs.daemon.Main;
import io.jlxcfs.vfs.VirtualFile;

class MountsCommandTest {

    @TempDir
    Path tmp;

    /** A mount root with every file but slabinfo and pressure/io, and a stray directory. */
    private Path tree() throws IOException {
        Path root = tmp.resolve("lxcfs");
        for (VirtualFile f : VirtualFile.values()) {
            if (f == VirtualFile.PROC_SLABINFO || f == VirtualFile.PROC_PRESSURE_IO) continue;
            Path p = root.resolve(f.path());
            Files.createDirectories(p.getParent());
            Files.writeString(p, "x\n");
        }
        Files.createDirectories(root.resolve("proc/pressure/io")); // a directory is not a file
        return root;
    }

    @ParameterizedTest
    @EnumSource(MountFormat.class)
    void goldenPerFormat(MountFormat f) throws IOException {
        Path root = tree();
        String out = f.render(Bind.existing(root)).replace(root.toString(), "ROOT");
        Golden.assertGolden("mounts/" + f.name().toLowerCase() + ".txt", out);
    }

    @Test
    void defaultRootRendersLikeLxcfsPaths() {
        String out = MountFormat.DOCKER.render(Bind.of(Bind.DEFAULT_ROOT, List.of(VirtualFile.PROC_MEMINFO)));
        assertEquals("-v /var/lib/lxcfs/proc/meminfo:/proc/meminfo:ro\n", out);
    }

    @Test
    void emptyRootSaysSo() {
        assertTrue(MountFormat.KUBERNETES.render(Bind.existing(tmp.resolve("none"))).startsWith("# no jlxcfs files"));
    }

    @Test
    void volumeNamesAreDnsLabels() {
        for (VirtualFile f : VirtualFile.values()) {
            String n = Bind.volumeName(f);
            assertTrue(n.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), n);
        }
    }

    @Test
    void commandPrintsAndRejectsUnknownFormat() throws IOException {
        Path root = tree();
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.run("mounts", "--root", root.toString(), "--format", "lxc");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc);
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("lxc.mount.entry = " + root + "/proc/meminfo proc/meminfo"));
        assertEquals(2, Main.run("mounts", "--root", root.toString(), "--format", "rkt"));
    }
}
