package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.fuse_lowlevel_h;
import io.jlxcfs.bindings.libc.libc_h;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jextract @argfiles list exactly what the hand-written header classes bind, and the umbrella
 * headers in bindings/abi declare every listed function and struct (so `bindings/regenerate` would
 * find them).
 */
class JextractIncludesTest {

    /** Hand-written symbol choices: Java binds the explicit alias of what the header declares. */
    private static final Map<String, String> JAVA_TO_HEADER = Map.of("fuse_session_loop_mt_312", "fuse_session_loop_mt");

    @Test
    void fuseIncludesMatchTheBoundFunctions() throws IOException {
        assertEquals(boundFunctions(fuse_lowlevel_h.class), includes("jextract-includes.txt", "--include-function"));
    }

    @Test
    void libcIncludesMatchTheBoundFunctions() throws IOException {
        assertEquals(boundFunctions(libc_h.class), includes("jextract-includes-libc.txt", "--include-function"));
    }

    @Test
    void everyStructBindingIsIncluded() throws IOException {
        Set<String> structs = new TreeSet<>(includes("jextract-includes.txt", "--include-struct"));
        structs.addAll(includes("jextract-includes-libc.txt", "--include-struct"));
        for (Class<?> c : JavaLayouts.STRUCTS) {
            assertTrue(structs.contains(c.getSimpleName()), c.getSimpleName() + " missing from the jextract includes");
        }
    }

    @Test
    void umbrellaHeadersDeclareEverythingListed(@TempDir Path tmp) throws Exception {
        var why = CProbe.unavailable();
        assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElse(""));
        assertDeclares(tmp, "abi/fuse.h", "jextract-includes.txt");
        assertDeclares(tmp, "abi/libc.h", "jextract-includes-libc.txt");
    }

    /** Compiles a file that includes only {@code umbrella} and names every listed function and struct. */
    private static void assertDeclares(Path tmp, String umbrella, String includesFile) throws Exception {
        StringBuilder c = new StringBuilder("#include \"" + umbrella + "\"\nint main(void) {\n");
        includes(includesFile, "--include-function").forEach(f -> c.append("    (void) &").append(f).append(";\n"));
        includes(includesFile, "--include-struct").forEach(s -> c.append("    (void) sizeof(struct ").append(s).append(");\n"));
        c.append("    return 0;\n}\n");
        Path src = tmp.resolve(includesFile + ".c");
        Files.writeString(src, c);
        Process p = new ProcessBuilder("gcc", "-fsyntax-only", "-Wall", "-Werror", "-I", moduleDir().toString(),
                "-I/usr/include/fuse3", src.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), umbrella + " does not declare everything in " + includesFile + ":\n" + out);
    }

    private static Set<String> boundFunctions(Class<?> header) {
        Set<String> out = new TreeSet<>();
        for (Method m : header.getMethods()) {
            if (m.getName().endsWith("$address") && m.getParameterCount() == 0) {
                String name = m.getName().substring(0, m.getName().length() - "$address".length());
                out.add(JAVA_TO_HEADER.getOrDefault(name, name));
            }
        }
        return out;
    }

    static Set<String> includes(String file, String option) throws IOException {
        List<String> lines = Files.readAllLines(moduleDir().resolve(file));
        List<String> names = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.strip().split("\\s+");
            if (f.length >= 2 && f[0].equals(option)) {
                names.add(f[1]);
            }
        }
        return names.stream().collect(Collectors.toCollection(TreeSet::new));
    }

    private static Path moduleDir() {
        return CProbe.source().getParent().getParent();
    }
}
