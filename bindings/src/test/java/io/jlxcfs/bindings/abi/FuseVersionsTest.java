package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.FuseVersions.FileInfoBits;
import io.jlxcfs.bindings.fuse.FuseVersions.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Version parsing and the choice of fuse_file_info bit positions (no native code needed). */
class FuseVersionsTest {

    @ParameterizedTest
    @CsvSource({
        "3.14.0, 3, 14, 0",
        "3.14.1, 3, 14, 1",
        "3.16.2, 3, 16, 2",
        "3.17.1-rc0, 3, 17, 1",
        "3.17.4, 3, 17, 4",
        "3.18.2, 3, 18, 2",
        "'3.18.2\n', 3, 18, 2",
        "3.16, 3, 16, 0",
        "3.10.5-1ubuntu1, 3, 10, 5",
    })
    void parsesPkgversionStrings(String s, int major, int minor, int patch) {
        assertEquals(new Version(major, minor, patch), Version.parse(s));
    }

    @Test
    void ordersVersions() {
        assertTrue(Version.parse("3.14.1").atLeast(3, 14, 1));
        assertTrue(!Version.parse("3.14.0").atLeast(3, 14, 1));
        assertTrue(Version.parse("3.17.1-rc0").atLeast(3, 17, 0));
        assertTrue(Version.parse("3.9.4").compareTo(Version.parse("3.10.0")) < 0, "numeric, not lexical");
    }

    @ParameterizedTest
    @CsvSource({
        "3.10.5, ABI_310",
        "3.14.0, ABI_310",
        "3.14.1, ABI_3141",
        "3.15.1, ABI_3141",
        "3.16.2, ABI_3141",
        "3.17.1-rc0, ABI_310",
        "3.17.4, ABI_310",
        "3.18.2, ABI_310",
    })
    void picksBitPositionsByRelease(String release, String abi) {
        FileInfoBits expected = abi.equals("ABI_310") ? FileInfoBits.ABI_310 : FileInfoBits.ABI_3141;
        assertSame(expected, FileInfoBits.forVersion(Version.parse(release)), release);
    }

    @Test
    void shiftedAbiMovesOnlyTheFieldsAfterKeepCache() {
        FileInfoBits a = FileInfoBits.ABI_310;
        FileInfoBits b = FileInfoBits.ABI_3141;
        assertEquals(a.directIo(), b.directIo());
        assertEquals(a.keepCache(), b.keepCache());
        assertEquals(3, b.parallelDirectWrites());
        assertEquals(8, a.parallelDirectWrites());
        assertEquals(a.nonseekable() + 1, b.nonseekable());
        assertEquals(a.noflush() + 1, b.noflush());
        assertEquals(a.cacheReaddir() + 1, b.cacheReaddir());
    }
}
