// Hand-written in jextract's spirit: what jextract cannot express (versioned symbols, bit fields that moved).
package io.jlxcfs.bindings.fuse;

import java.lang.foreign.MemorySegment;

/**
 * The one place that knows which libfuse release is loaded and what that changes for the bindings:
 * the SONAME (in {@link fuse_lowlevel_h}), the default-versioned symbols FFM's {@code dlsym} would
 * pick, and the {@code fuse_file_info} bit positions that moved in 3.14.1-3.16.x.
 */
@SuppressWarnings("restricted")
public final class FuseVersions {

    private FuseVersions() {
    }

    /** A parsed {@code fuse_pkgversion()} string such as {@code 3.14.0}. */
    public record Version(int major, int minor, int patch) implements Comparable<Version> {
        public static Version parse(String s) {
            String[] p = s.trim().split("[.\\-]");
            int[] v = new int[3];
            for (int i = 0; i < 3 && i < p.length; i++) {
                try {
                    v[i] = Integer.parseInt(p[i].replaceAll("[^0-9].*$", ""));
                } catch (NumberFormatException e) {
                    v[i] = 0;
                }
            }
            return new Version(v[0], v[1], v[2]);
        }

        public boolean atLeast(int maj, int min, int pat) {
            return compareTo(new Version(maj, min, pat)) >= 0;
        }

        @Override
        public int compareTo(Version o) {
            if (major != o.major) return Integer.compare(major, o.major);
            if (minor != o.minor) return Integer.compare(minor, o.minor);
            return Integer.compare(patch, o.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    private static volatile Version loaded;

    /** The loaded library's version, from {@code fuse_pkgversion()}. */
    public static Version loaded() {
        Version v = loaded;
        if (v == null) {
            MemorySegment s = fuse_lowlevel_h.fuse_pkgversion();
            v = Version.parse(s.reinterpret(64).getString(0));
            loaded = v;
        }
        return v;
    }

    /**
     * {@code fuse_session_custom_io}: 3.13-3.16 export only the 3-argument form; 3.17+ make the
     * default version the 4-argument {@code _317} and keep the old one as {@code _30}.
     */
    static String customIoSymbol() {
        return fuse_lowlevel_h.hasSymbol("fuse_session_custom_io_317") ? "fuse_session_custom_io_30" : "fuse_session_custom_io";
    }

    /** Bit positions inside the {@code fuse_file_info} flag word at offset 4. */
    public record FileInfoBits(int writepage, int directIo, int keepCache, int parallelDirectWrites,
                               int flush, int nonseekable, int flockRelease, int cacheReaddir, int noflush) {

        /** 3.14.0 and 3.17+ (3.17 restored the 3.10 ABI and moved parallel_direct_writes to bit 8). */
        public static final FileInfoBits ABI_310 = new FileInfoBits(0, 1, 2, 8, 3, 4, 5, 6, 7);
        /** 3.14.1-3.16.x: parallel_direct_writes inserted at bit 3 shifts the rest by one. */
        public static final FileInfoBits ABI_3141 = new FileInfoBits(0, 1, 2, 3, 4, 5, 6, 7, 8);

        public static FileInfoBits forVersion(Version v) {
            boolean shifted = v.atLeast(3, 14, 1) && !v.atLeast(3, 17, 0);
            return shifted ? ABI_3141 : ABI_310;
        }
    }
}
