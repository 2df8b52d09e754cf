package io.jlxcfs.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cgroup paths to directories, and limits over ancestors, on a v1-shaped tree in a temp dir. */
class CgroupReaderTest {

    @Test
    void pathsResolveInsideTheirHierarchyAtAnyDepth(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("memory/a/b"));
        CgroupReader r = new CgroupReader(Hierarchies.detect(root), new CgroupFs());
        assertEquals(root.resolve("memory/a/b"), r.dir("memory", "/a/b"));
        assertEquals(root.resolve("memory"), r.dir("memory", "/"));
        assertNull(r.dir("memory", "//etc"), "would resolve to /etc");
        assertNull(r.dir("memory", "/a/../b"));
        assertNull(r.dir("memory", "a/b"));
        assertNull(r.dir("cpu", "/a"), "no such hierarchy");
        String deep = "/x".repeat(5000); // no recursion per level: the stack stays flat
        assertEquals(root.resolve("memory").resolve(deep.substring(1)), r.dir("memory", deep));
    }

    @Test
    void theMemoryLimitIsTheSmallestOverTheCgroupAndItsAncestors(@TempDir Path root) throws Exception {
        Path b = Files.createDirectories(root.resolve("memory/a/b"));
        Files.writeString(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
        Files.writeString(root.resolve("memory/a/memory.limit_in_bytes"), "1000\n");
        Files.writeString(b.resolve("memory.limit_in_bytes"), "2000\n");
        Files.writeString(b.resolve("memory.usage_in_bytes"), "10\n");
        Files.writeString(b.resolve("memory.stat"), "total_cache 5\n");
        CgroupReader r = new CgroupReader(Hierarchies.detect(root), new CgroupFs());
        MemoryStats m = r.memory("/a/b", false);
        assertEquals(1000, m.limit());
        assertEquals(10, m.usage());
        assertEquals(5, m.stat("total_cache"));
        assertEquals(1000, r.memory("/a/b/", false).limit(), "a trailing slash: the same cgroup");
        Files.writeString(root.resolve("memory/a/memory.limit_in_bytes"), "garbage\n");
        assertEquals(2000, r.memory("/a/b", false).limit(), "an unreadable ancestor is skipped");
    }

    /** A removed cgroup's directory goes, with the file paths it kept; its parent stays. */
    @Test
    void aRemovedCgroupIsForgotten(@TempDir Path root) throws Exception {
        Path b = Files.createDirectories(root.resolve("memory/a/b"));
        Files.createDirectories(root.resolve("cpu"));
        CgroupReader r = new CgroupReader(Hierarchies.detect(root), new CgroupFs());
        r.dir("memory", "/a/b");
        r.dir("cpu", "/");
        assertEquals(4, r.dirsKept(), "/a/b, /a and / of memory, / of cpu");
        r.forget(b);
        assertEquals(3, r.dirsKept());
        r.forget(root.resolve("elsewhere/x"));
        assertEquals(3, r.dirsKept());
        assertEquals(b, r.dir("memory", "/a/b"), "made again when met again");
    }
}
