package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.FuseVersions.FileInfoBits;
import io.jlxcfs.bindings.fuse.FuseVersions.Version;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Java bindings against golden numbers for libfuse releases that cannot be installed here
 * (3.16.2, 3.17.4, 3.18.2). These releases are untested beyond this comparison.
 */
class AbiGoldenTest {

    private static final Golden GOLDEN = Golden.load();
    private static final Version V317 = new Version(3, 17, 0);

    /** Java's "reserved" is the 3.16 tail (40..128); 3.17 put new fields there that Java never touches. */
    private static final String CONN_RESERVED = "offsetof.fuse_conn_info.reserved";

    @Test
    void coversTheReleasesWeClaim() {
        assertEquals(List.of("3.14.0", "3.16.2", "3.17.4", "3.18.2"),
                GOLDEN.rows().keySet().stream().map(Version::toString).toList());
    }

    @Test
    void opsAndFileInfoSizesPerRelease() {
        assertEquals(List.of(352L, 352L, 360L, 368L), column("sizeof.fuse_lowlevel_ops"));
        assertEquals(List.of(40L, 40L, 64L, 64L), column("sizeof.fuse_file_info"));
        assertEquals(List.of(128L, 128L, 128L, 128L), column("sizeof.fuse_conn_info"));
    }

    @Test
    void javaLayoutsEqualEveryReleaseUpTo316AndArePrefixesLater() {
        Map<String, Long> java = JavaLayouts.numbers(FileInfoBits.ABI_310);
        List<String> bad = new ArrayList<>();
        GOLDEN.rows().forEach((release, rows) -> rows.forEach((key, golden) -> {
            String jk = Golden.probeKey(key);
            Long j = java.get(jk);
            boolean grown = release.compareTo(V317) >= 0;
            if (key.startsWith("bitpos.") || j == null || (grown && jk.equals(CONN_RESERVED))) {
                return;
            }
            boolean prefix = grown && (key.startsWith("sizeof.") || key.startsWith("alignof."));
            if (prefix ? j > golden : !j.equals(golden)) {
                bad.add(release + " " + key + ": golden " + golden + ", Java " + j);
            }
        }));
        assertEquals(List.of(), bad);
    }

    @Test
    void everyOpsSlotJavaBindsStaysPutIn317And318() {
        Map<String, Long> java = JavaLayouts.numbers(FileInfoBits.ABI_310);
        for (Version v : List.of(Version.parse("3.17.4"), Version.parse("3.18.2"))) {
            long firstNew = GOLDEN.of(v).get("offsetof.fuse_lowlevel_ops.tmpfile");
            assertEquals(java.get("sizeof.fuse_lowlevel_ops"), firstNew, v + ": slots grow only at the end");
        }
    }

    @Test
    void fileInfoBitsForEachReleaseMatchGolden() {
        GOLDEN.rows().forEach((release, rows) -> {
            FileInfoBits bits = FileInfoBits.forVersion(release);
            for (RecordComponent rc : FileInfoBits.class.getRecordComponents()) {
                Long golden = rows.get("bitpos.fuse_file_info." + JavaLayouts.snake(rc.getName()));
                if (golden != null) {
                    assertEquals(golden.intValue(), position(rc, bits), release + " " + rc.getName());
                }
            }
        });
    }

    /** Ties the golden file to reality: its row for the installed headers' release equals the probe. */
    @Test
    void goldenRowOfTheInstalledReleaseMatchesTheProbe() throws Exception {
        var why = CProbe.unavailable();
        assumeTrue(why.isEmpty(), () -> "ABI probe skipped: " + why.orElse(""));
        Map<String, String> probe = CProbe.output();
        int[] h = CProbe.headerVersion(probe);
        var release = GOLDEN.release(h[0], h[1]);
        assumeTrue(release.isPresent(), "no golden row for headers " + h[0] + "." + h[1]);
        List<String> bad = new ArrayList<>();
        GOLDEN.of(release.get()).forEach((key, golden) -> {
            String pk = key.startsWith("bitpos.") ? "bits." + key.substring("bitpos.".length()) : Golden.probeKey(key);
            long want = key.startsWith("bitpos.") ? 1L << golden : golden;
            String got = probe.get(pk);
            if (got == null || !got.equals(Long.toString(want))) {
                bad.add(key + ": golden " + want + ", probe " + got);
            }
        });
        assertEquals(List.of(), bad);
    }

    private static List<Long> column(String key) {
        return GOLDEN.rows().values().stream().map(r -> r.get(key)).toList();
    }

    private static int position(RecordComponent rc, FileInfoBits bits) {
        try {
            return (int) rc.getAccessor().invoke(bits);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(rc.getName(), e);
        }
    }
}
