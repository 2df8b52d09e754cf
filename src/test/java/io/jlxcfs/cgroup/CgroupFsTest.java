package io.jlxcfs.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFsTest {

    @TempDir
    Path tmp;

    @Test
    void keyValuesTakesPlainCountersAndLeavesTheRestToValues() throws Exception {
        Path f = Files.writeString(tmp.resolve("memory.stat"), String.join("\n",
                "cache 4096", "rss  8192", "neg -1", "huge 99999999999999999999", "crlf 12\r", " lead 5",
                "nospace", "", "total_cache 0", "hierarchical_memory_limit 9223372036854771712") + "\n");
        Map<String, Long> m = new CgroupFs().keyValues(f);
        assertEquals(Map.of("cache", 4096L, "rss", 8192L, "huge", Values.UNLIMITED, "crlf", 12L, "total_cache", 0L,
                "hierarchical_memory_limit", 9223372036854771712L), m);
        assertNull(new CgroupFs().keyValues(tmp.resolve("absent")));
        assertEquals(Map.of("last", 7L), new CgroupFs().keyValues(Files.writeString(tmp.resolve("x"), "last 7")));
    }

    @Test
    void keysAreSharedAcrossReadsAndNeverConfused() {
        String a = CgroupFs.Keys.of("xx total_cache yy", 3, 14);
        assertEquals("total_cache", a);
        assertSame(a, CgroupFs.Keys.of("total_cache 1", 0, 11), "the same key: the same string");
        // many distinct keys (more than the table's probes can place): each still comes back right
        for (int i = 0; i < 5000; i++) {
            String k = "k" + i;
            assertEquals(k, CgroupFs.Keys.of(k + " 1", 0, k.length()));
            assertEquals(k, CgroupFs.Keys.of(k + " 1", 0, k.length()));
        }
        assertEquals("", CgroupFs.Keys.of("abc", 1, 1));
    }

    /**
     * A file parsed along a remembered layout (the second read of the same keys) gives what the
     * general parse gives, for odd values too; a file whose keys differ is not taken for it.
     */
    @Test
    void aRememberedLayoutParsesAsTheGeneralParse() {
        String text = "lay_a 1\nlay_b 99999999999999999999\nlay_c -1\nlay_d 12\r\nlay_a 5\nlay_e 0\n";
        byte[] b = text.getBytes();
        Map<String, Long> first = CgroupFs.keyValues(b, b.length);
        Map<String, Long> expected = Map.of("lay_a", 5L, "lay_b", Values.UNLIMITED, "lay_d", 12L, "lay_e", 0L);
        assertEquals(expected, first);
        Map<String, Long> again = CgroupFs.keyValues(b, b.length);
        assertEquals(expected, again);
        org.junit.jupiter.api.Assertions.assertNotNull(KeyLayout.parse(b, b.length), "the layout was remembered");
        assertEquals(4, again.size());
        assertNull(again.get("lay_c"));
        // new values, same keys
        byte[] c = "lay_a 7\nlay_b 1\nlay_c 2\nlay_d 3\nlay_a 4\nlay_e 5".getBytes();
        assertEquals(Map.of("lay_a", 4L, "lay_b", 1L, "lay_c", 2L, "lay_d", 3L, "lay_e", 5L), CgroupFs.keyValues(c, c.length));
        // another key in the middle, a missing last line, an extra line: never this layout
        for (String other : new String[] {"lay_a 1\nlay_x 2\nlay_c 3\nlay_d 4\nlay_a 5\nlay_e 6\n",
            "lay_a 1\nlay_b 2\nlay_c 3\nlay_d 4\nlay_a 5\n", "lay_a 1\nlay_b 2\nlay_c 3\nlay_d 4\nlay_a 5\nlay_e 6\nlay_f 7\n",
            "lay_a 1\nlay_bb 2\nlay_c 3\nlay_d 4\nlay_a 5\nlay_e 6\n"}) {
            byte[] o = other.getBytes();
            java.util.Map<String, Long> want = new java.util.HashMap<>();
            for (String line : other.split("\n")) want.put(line.split(" ")[0], Long.parseLong(line.split(" ")[1]));
            assertEquals(want, CgroupFs.keyValues(o, o.length), other);
        }
        // two layouts starting with the same key are both kept
        byte[] x = "lay_a 1\nlay_q 2\n".getBytes();
        CgroupFs.keyValues(x, x.length);
        CgroupFs.keyValues(c, c.length);
        org.junit.jupiter.api.Assertions.assertNotNull(KeyLayout.parse(x, x.length));
        org.junit.jupiter.api.Assertions.assertNotNull(KeyLayout.parse(c, c.length));
    }

    @Test
    void countersAreAReadOnlyMapOfTheFile() {
        Counters c = new Counters(3);
        c.add(CgroupFs.Keys.of("total_cache", 0, 11), 5);
        c.add("rss", 7);
        c.add("rss", 8); // a repeated key: the last value
        assertEquals(2, c.size());
        assertEquals(5L, c.get("total_cache"), "found by equality, not only by identity");
        assertEquals(8L, c.get("rss"));
        assertNull(c.get("swap"));
        assertNull(c.get(42));
        assertEquals(0L, c.getOrDefault("swap", 0L));
        assertEquals(true, c.containsKey("rss"));
        assertEquals(Map.of("total_cache", 5L, "rss", 8L), c);
        assertEquals(c, Map.of("total_cache", 5L, "rss", 8L));
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class, () -> c.put("x", 1L));
        Counters many = new Counters(100);
        for (int i = 0; i < 100; i++) many.add("k" + i, i);
        for (int i = 0; i < 100; i++) assertEquals((long) i, many.get("k" + i));
    }
}
