package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.FuseVersions;
import io.jlxcfs.bindings.fuse.FuseVersions.FileInfoBits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every size, alignment, offset, member size and fuse_file_info bit mask the Java bindings use,
 * compared with a C probe compiled against the installed headers (bindings/abi/abi_probe.c).
 */
class AbiLayoutTest {

    private static Map<String, String> probe() throws Exception {
        var why = CProbe.unavailable();
        assumeTrue(why.isEmpty(), () -> "ABI probe skipped: " + why.orElse(""));
        return CProbe.output();
    }

    /** The bit positions the bindings pick at run time for the loaded libfuse. */
    private static FileInfoBits loadedBits() {
        return FileInfoBits.forVersion(FuseVersions.loaded());
    }

    /** 3.17+ headers grew some structs that Java binds as their 3.16 prefix. */
    private static Set<String> prefixKeys(Map<String, String> probe) {
        int[] h = CProbe.headerVersion(probe);
        return h[0] > 3 || (h[0] == 3 && h[1] >= 17) ? JavaLayouts.prefixKeys() : Set.of();
    }

    @Test
    void headersMatchTheLoadedLibrary() throws Exception {
        int[] h = CProbe.headerVersion(probe());
        FuseVersions.Version lib = FuseVersions.loaded();
        assertEquals(lib.major() + "." + lib.minor(), h[0] + "." + h[1],
                "libfuse3-dev headers and the loaded libfuse3 differ; the probe would describe another ABI");
    }

    @Test
    void javaLayoutsMatchTheInstalledHeaders() throws Exception {
        Map<String, String> probe = probe();
        AbiCheck.Report r = AbiCheck.compare(probe, JavaLayouts.numbers(loadedBits()), prefixKeys(probe));
        System.out.printf("ABI probe (headers %s, libfuse %s): %d numbers compared, absent in these headers: %s%n",
                probe.get("header.fuse"), FuseVersions.loaded(), r.compared(), r.absentInHeaders());
        assertTrue(r.clean(), () -> "Java bindings disagree with the C headers:\n  "
                + String.join("\n  ", r.mismatches().stream().map(Object::toString).toList()));
    }

    @Test
    void everyOpsSlotAndStructIsCompared() throws Exception {
        Map<String, String> probe = probe();
        long slots = probe.keySet().stream().filter(k -> k.startsWith("offsetof.fuse_lowlevel_ops.")).count();
        assertEquals(44, slots, "fuse_lowlevel_ops slots probed");
        for (Class<?> c : JavaLayouts.STRUCTS) {
            assertTrue(probe.containsKey("sizeof." + c.getSimpleName()), "probe lacks struct " + c.getSimpleName());
        }
        assertTrue(probe.containsKey("bits.fuse_file_info.nonseekable"));
    }

    @Test
    void accessorOffsetsAgreeWithTheirOwnLayouts() {
        assertEquals(List.of(), JavaLayouts.selfCheck());
    }

    // --- the checker catches wrong numbers -----------------------------------------------------

    @Test
    void alteredOffsetIsReported() throws Exception {
        Map<String, String> probe = probe();
        Map<String, Long> java = new TreeMap<>(JavaLayouts.numbers(loadedBits()));
        java.put("offsetof.fuse_file_info.fh", java.get("offsetof.fuse_file_info.fh") + 8);

        AbiCheck.Report r = AbiCheck.compare(probe, java, prefixKeys(probe));

        assertEquals(List.of(new AbiCheck.Mismatch("offsetof.fuse_file_info.fh", "16", "24")), r.mismatches());
    }

    @Test
    void alteredOpsSlotAndSizeAreReported() throws Exception {
        Map<String, String> probe = probe();
        Map<String, Long> java = new TreeMap<>(JavaLayouts.numbers(loadedBits()));
        java.put("offsetof.fuse_lowlevel_ops.readdirplus", 336L);
        java.put("sizeof.stat", 128L);

        List<String> keys = AbiCheck.compare(probe, java, prefixKeys(probe)).mismatches().stream()
                .map(AbiCheck.Mismatch::key).toList();

        assertEquals(List.of("offsetof.fuse_lowlevel_ops.readdirplus", "sizeof.stat"), keys);
    }

    @Test
    void wrongBitPositionsAreReported() throws Exception {
        Map<String, String> probe = probe();
        FileInfoBits wrong = loadedBits() == FileInfoBits.ABI_310 ? FileInfoBits.ABI_3141 : FileInfoBits.ABI_310;

        List<String> keys = AbiCheck.compare(probe, JavaLayouts.numbers(wrong), prefixKeys(probe)).mismatches()
                .stream().map(AbiCheck.Mismatch::key).toList();

        assertTrue(keys.containsAll(List.of("bits.fuse_file_info.flush", "bits.fuse_file_info.nonseekable",
                "bits.fuse_file_info.cache_readdir", "bits.fuse_file_info.noflush")), keys::toString);
        assertTrue(keys.stream().allMatch(k -> k.startsWith("bits.")), keys::toString);
    }

    @Test
    void unboundOrUnprobedFieldsAreReported() throws Exception {
        Map<String, String> probe = new TreeMap<>(probe());
        Map<String, Long> java = new TreeMap<>(JavaLayouts.numbers(loadedBits()));
        java.remove("offsetof.fuse_ctx.umask");
        probe.remove("offsetof.stat.st_mode");

        List<AbiCheck.Mismatch> bad = AbiCheck.compare(probe, java, prefixKeys(probe)).mismatches();

        assertEquals(List.of(new AbiCheck.Mismatch("offsetof.fuse_ctx.umask", "12", "not bound"),
                new AbiCheck.Mismatch("offsetof.stat.st_mode", "not probed", "24")), bad);
    }

    /** The checker's rules, on made-up numbers (runs without gcc). */
    @Test
    void checkerRules() {
        Map<String, String> c = Map.of("sizeof.a", "360", "offsetof.a.x", "8", "bits.f.p", "absent", "header.fuse", "3.17");
        Map<String, Long> ok = Map.of("sizeof.a", 352L, "offsetof.a.x", 8L, "bits.f.p", 256L);

        assertTrue(AbiCheck.compare(c, ok, Set.of("sizeof.a")).clean(), "a prefix may be smaller");
        assertEquals(List.of("bits.f.p"), AbiCheck.compare(c, ok, Set.of("sizeof.a")).absentInHeaders());
        assertEquals(List.of(new AbiCheck.Mismatch("sizeof.a", "360", "352")),
                AbiCheck.compare(c, ok, Set.of()).mismatches(), "not a prefix: sizes must be equal");
        assertEquals(List.of(new AbiCheck.Mismatch("offsetof.a.x", "8", "16")),
                AbiCheck.compare(c, Map.of("sizeof.a", 352L, "offsetof.a.x", 16L), Set.of("sizeof.a")).mismatches());
    }
}
