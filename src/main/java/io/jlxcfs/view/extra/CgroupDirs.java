package io.jlxcfs.view.extra;

import java.nio.file.Path;

/**
 * The caller's already-resolved cgroup directories, one per hierarchy the extra views read.
 *
 * @param cpu     v1 {@code cpu} controller dir (its {@code tasks} file feeds loadavg), or the unified dir on v2
 * @param blkio   v1 {@code blkio} controller dir (diskstats), or the unified dir on v2 ({@code io.stat})
 * @param memory  v1 {@code memory} controller dir ({@code memory.kmem.slabinfo}), or the unified dir on v2
 * @param unified the caller's dir in the cgroup2 hierarchy: on v2 the same dir as the others; on a hybrid
 *                host the cgroup2 mount that carries only the {@code *.pressure} files
 * @param v2      true on a pure cgroup v2 host
 *                <p>Any component may be null where that hierarchy is absent; the views fall back to the host file.
 */
public record CgroupDirs(Path cpu, Path blkio, Path memory, Path unified, boolean v2) {

    /** All four point at the same unified directory (pure cgroup v2). */
    public static CgroupDirs v2(Path dir) {
        return new CgroupDirs(dir, dir, dir, dir, true);
    }
}
