package io.jlxcfs.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.jlxcfs.vfs.VirtualFile;

/**
 * Every renderer over every fixture tree against a golden file in src/test/resources/golden.
 * Regenerate after a deliberate change with {@code -Dgolden.update=true} and review the diff.
 */
class GoldenTest {

    static final List<VirtualFile> FILES = List.of(VirtualFile.PROC_MEMINFO, VirtualFile.PROC_SWAPS,
            VirtualFile.PROC_CPUINFO, VirtualFile.PROC_STAT, VirtualFile.PROC_UPTIME, VirtualFile.SYS_CPU_ONLINE);

    record Case(String fixture, int pid, boolean cfs, VirtualFile file) {
        String golden() {
            return fixture + "/" + pid + (cfs ? "-cfs" : "") + "/" + file.path().replace('/', '_');
        }

        @Override
        public String toString() {
            return golden();
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        Object[][] callers = {
            {"v1-basic", 4242, false}, {"v1-basic", 4242, true},
            {"v1-hybrid-4cpu-swap", 4242, false}, {"v1-hybrid-4cpu-swap", 4242, true},
            {"v2", 136, false}, {"v2", 136, true}, {"v2", 158, false}, {"v2", 178, false}, {"v2", 128, false},
        };
        for (Object[] c : callers) {
            for (VirtualFile f : FILES) out.add(new Case((String) c[0], (Integer) c[1], (Boolean) c[2], f));
        }
        return out.stream();
    }

    @TempDir
    static Path tmp;

    @ParameterizedTest
    @MethodSource("cases")
    void matchesGolden(Case c) throws IOException {
        Path tree = tmp.resolve(c.fixture);
        if (!Files.exists(tree)) Fixtures.copy(c.fixture, tmp);
        String got = new String(new Views(Fixtures.config(tree, c.cfs)).render(c.file, c.pid), StandardCharsets.ISO_8859_1);
        Path base = Files.isDirectory(Path.of("test/resources")) ? Path.of("test/resources") : Path.of("src/test/resources");
        Path golden = base.resolve("golden").resolve(c.golden());
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, got, StandardCharsets.ISO_8859_1);
        }
        assertEquals(Files.readString(golden, StandardCharsets.ISO_8859_1), got, c.golden());
    }
}
