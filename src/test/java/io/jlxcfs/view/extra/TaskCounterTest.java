package io.jlxcfs.view.extra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskCounterTest {

    private final TaskCounter counter = new TaskCounter(Fixtures.path("v2/proc"));

    @Test
    void ctr1CountsTwoSpinnersOfEightThreadsAndNamesTheNewestInItsPidNamespace() {
        // threads 136..159; 147 and 149 are R; newest start time is 159 (973 ticks), NSpid "159 3"
        assertEquals(new TaskCounts(2, 0, 8, 3), counter.count(Fixtures.path(Fixtures.CTR1)));
    }

    @Test
    void ctr2IsIdle() {
        // 178 memhog S, 180 sleep S; newest 180 has no pid namespace of its own
        assertEquals(new TaskCounts(0, 0, 2, 180), counter.count(Fixtures.path(Fixtures.CTR2)));
    }

    @Test
    void subtreeSumsDescendants() {
        TaskCounts all = counter.count(Fixtures.path("v2/sys/fs/cgroup/kubepods.slice"));
        assertEquals(new TaskCounts(2, 0, 10, 180), all);
        // reads are shared inside one sweep: counting a child after its parent gives the same answer
        assertEquals(new TaskCounts(2, 0, 8, 3), counter.count(Fixtures.path(Fixtures.CTR1)));
    }

    @Test
    void nestedChildCgroupsAreCountedAndLeavesAreNotListed(@TempDir Path tmp) throws IOException {
        Path top = Files.createDirectory(tmp.resolve("top"));
        Path child = Files.createDirectories(top.resolve("a/b"));
        Files.writeString(top.resolve("tasks"), "147\n");
        Files.writeString(top.resolve("a/tasks"), "");
        Files.writeString(child.resolve("tasks"), "149\n156\n99999\n");   // 99999 exited: not counted
        assertEquals(new TaskCounts(2, 0, 3, 1), counter.count(top));
    }

    @Test
    void missingDirIsNull() {
        assertNull(counter.count(Fixtures.path("v2/sys/fs/cgroup/nope")));
    }

    @Test
    void statParsingSurvivesParenthesesAndSpacesInComm() {
        String s = "42 (a) b (c) D 1 0 0 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0\n";
        assertEquals(new TaskCounter.ThreadInfo('D', 777), TaskCounter.parseStat(s));
        assertNull(TaskCounter.parseStat("42 (x"));
    }

    @Test
    void nsPid() {
        assertEquals(3, TaskCounter.parseNsPid("Name:\tx\nNSpid:\t159\t3\n", 159));
        assertEquals(7, TaskCounter.parseNsPid("Name:\tx\n", 7));
    }
}
