package io.jlxcfs.cgroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class FieldsTest {

    @Test
    void splitsLikeTheRegexItReplaces() {
        for (String s : new String[] {"", "  ", "a", " a  b\tc ", "cpu  1 2 3\n", "MemTotal:  24684092 kB", "\t x"}) {
            assertArrayEquals(s.trim().split("\\s+"), Fields.of(s), "for [" + s + "]");
        }
    }
}
