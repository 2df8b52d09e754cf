package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kept descriptors and memos, on plain files (the views' use is covered on real cgroups by CacheIT). */
class OpenFilesTest {

    @TempDir
    Path tmp;

    @Test
    void keptFileRereadsTheCurrentContent() throws Exception {
        Path f = Files.writeString(tmp.resolve("memory.usage_in_bytes"), "1\n");
        OpenFiles files = new OpenFiles(tmp.resolve("proc"), 16);
        assertEquals("1\n", files.read(f));
        Files.writeString(f, "22\n"); // same inode, rewritten in place
        assertEquals("22\n", files.read(f));
        assertEquals(1, files.held());
        files.close();
        assertEquals(0, files.held());
    }

    /** Key-value files are parsed from the kept descriptor's bytes, as the plain reader parses their text. */
    @Test
    void keptKeyValuesParseAsThePlainReaderDoes() throws Exception {
        String text = String.join("\n", "cache 4096", "rss  8192", "neg -1", "huge 99999999999999999999", "crlf 12\r",
                " lead 5", "nospace", "", "total_cache 0") + "\n";
        Path f = Files.writeString(tmp.resolve("memory.stat"), text);
        OpenFiles files = new OpenFiles(tmp.resolve("proc"), 16);
        assertEquals(new io.jlxcfs.cgroup.CgroupFs().keyValues(f), files.keyValues(f));
        assertEquals(1, files.held(), "kept");
        Files.writeString(f, "cache 1\nlast 7"); // rewritten in place, no final newline
        assertEquals(java.util.Map.of("cache", 1L, "last", 7L), files.keyValues(f));
        files.close();
        assertNull(files.keyValues(tmp.resolve("absent")));
    }

    /** A process's files are read and forgotten: every thread a count looks at leaves nothing behind. */
    @Test
    void processFilesLeaveNothingBehind() throws Exception {
        Path proc = tmp.resolve("proc");
        OpenFiles files = new OpenFiles(proc, 16);
        for (int tid = 100; tid < 150; tid++) {
            Path stat = Files.createDirectories(proc.resolve(String.valueOf(tid))).resolve("stat");
            Files.writeString(stat, tid + " (x) R 1\n");
            assertEquals(tid + " (x) R 1\n", files.read(stat));
        }
        assertEquals(0, files.kindsKept());
        assertEquals(0, files.held());
        files.read(Files.writeString(tmp.resolve("memory.usage_in_bytes"), "1\n"));
        assertEquals(1, files.kindsKept());
        files.close();
    }

    @Test
    void oneRecordFilesAreTheCgroupControlFilesAndSingleOpenProcFiles() {
        Path proc = tmp.resolve("proc");
        OpenFiles files = new OpenFiles(proc, 16);
        Path cg = tmp.resolve("memory/a");
        assertTrue(files.oneRecord(cg.resolve("memory.stat")));
        assertTrue(files.oneRecord(cg.resolve("cpuset.cpus")));
        assertFalse(files.oneRecord(cg.resolve("cgroup.procs")), "task lists are many records");
        assertFalse(files.oneRecord(cg.resolve("tasks")));
        assertTrue(files.oneRecord(proc.resolve("meminfo")));
        assertTrue(files.oneRecord(proc.resolve("stat")));
        assertFalse(files.oneRecord(proc.resolve("cpuinfo")), "one record per CPU");
        assertFalse(files.oneRecord(proc.resolve("diskstats")));
        assertFalse(files.oneRecord(proc.resolve("net/stat")), "only known top-level proc files");
        assertTrue(files.oneRecord(proc.resolve("42/stat")), "a process's stat, status, cgroup");
        assertTrue(files.oneRecord(proc.resolve("42/task/43/status")));
        assertFalse(files.oneRecord(proc.resolve("42/maps")), "many records");
        assertFalse(files.oneRecord(proc.resolve("42/mountinfo")));
    }

    @Test
    void aOneRecordFileLargerThanTheBufferIsReadWhole() throws Exception {
        String big = "x".repeat(16 << 10) + "tail\n" + "y".repeat(40_000) + "\n";
        Path f = Files.writeString(tmp.resolve("memory.stat"), big);
        OpenFiles files = new OpenFiles(tmp.resolve("proc"), 16);
        assertEquals(big, files.read(f));
        Path exact = Files.writeString(tmp.resolve("memory.numa_stat"), "z".repeat(16 << 10));
        assertEquals("z".repeat(16 << 10), files.read(exact), "a read that fills the buffer is not the end");
        files.close();
    }

    @Test
    void realKernelFilesReadWholeInOneRecord() throws Exception {
        Path proc = Path.of("/proc");
        OpenFiles files = new OpenFiles(proc, 16);
        for (String name : new String[] {"meminfo", "stat", "cpuinfo"}) {
            String viaPread = files.read(proc.resolve(name));
            java.util.List<String> direct = Files.readAllLines(proc.resolve(name));
            java.util.List<String> kept = viaPread.lines().toList();
            assertEquals(direct.size(), kept.size(), name);
            for (int i = 0; i < kept.size(); i++) {
                // the same line: the same key (the numbers move between the two reads)
                assertEquals(key(direct.get(i)), key(kept.get(i)), name + " line " + i);
            }
        }
        files.close();
    }

    @Test
    void aProcessFileIsReadWholeAndNotKept() throws Exception {
        OpenFiles files = new OpenFiles(Path.of("/proc"), 16);
        String stat = files.read(Path.of("/proc/self/stat"));
        assertTrue(stat.endsWith("\n") && stat.contains(") "), stat);
        String status = files.read(Path.of("/proc/" + ProcessHandle.current().pid() + "/status"));
        assertTrue(status.contains("\nNSpid:") && status.endsWith("\n"), "whole: " + status);
        assertEquals(0, files.held(), "a process's files are never kept (pids get reused)");
        assertNull(files.read(Path.of("/proc/999999999/stat")));
        files.close();
    }

    private static String key(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != ':' && line.charAt(end) != ' ') end++;
        return line.substring(0, end);
    }

    @Test
    void limitIsKeptUntilTheEpochMovesAndOnlyWhenWatched() throws Exception {
        Path f = Files.writeString(tmp.resolve("memory.limit_in_bytes"), "100\n");
        AtomicLong epoch = new AtomicLong();
        AtomicBoolean watched = new AtomicBoolean(true);
        OpenFiles files = new OpenFiles(tmp.resolve("proc"), 16);
        files.memoize(epoch::get, d -> watched.get(), 10_000_000L);
        assertEquals("100\n", files.read(f));
        Files.writeString(f, "200\n");
        assertEquals("100\n", files.read(f), "no event yet: the kept limit");
        epoch.incrementAndGet();
        assertEquals("200\n", files.read(f), "an event: read again");
        watched.set(false);
        epoch.incrementAndGet();
        assertEquals("200\n", files.read(f));
        Files.writeString(f, "300\n");
        assertEquals("300\n", files.read(f), "an unwatched directory's limit is never kept");
    }

    @Test
    void hostFileIsSharedForTheWindowOnlyAndNeverWithWindowZero() throws Exception {
        Path proc = Files.createDirectories(tmp.resolve("proc"));
        Path f = Files.writeString(proc.resolve("meminfo"), "a\n");
        OpenFiles shared = new OpenFiles(proc, 16);
        shared.memoize(() -> 0, d -> true, 60_000_000_000L);
        assertEquals("a\n", shared.read(f));
        Files.writeString(f, "b\n");
        assertEquals("a\n", shared.read(f), "within the window");
        OpenFiles fresh = new OpenFiles(proc, 16);
        fresh.memoize(() -> 0, d -> true, 0);
        assertEquals("b\n", fresh.read(f));
        Files.writeString(f, "c\n");
        assertEquals("c\n", fresh.read(f), "window 0: every read re-reads");
    }

    @Test
    void removedFileReadsAsUnreadableAndItsMemoGoes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cg"));
        Path f = Files.writeString(dir.resolve("memory.limit_in_bytes"), "5\n");
        OpenFiles files = new OpenFiles(tmp.resolve("proc"), 16);
        files.memoize(() -> 0, d -> true, 0);
        assertEquals("5\n", files.read(f));
        files.forget(dir);
        Files.delete(f);
        assertNull(files.read(f));
    }

    @Test
    void capHoldsUnderConcurrentReadersWhoseUseTimesMoveDuringTheTrim() throws Exception {
        int files = 64;
        Path[] p = new Path[files];
        for (int i = 0; i < files; i++) p[i] = Files.writeString(tmp.resolve("f" + i), "v" + i + "\n");
        OpenFiles kept = new OpenFiles(tmp.resolve("proc"), 8);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] t = new Thread[4];
        for (int k = 0; k < t.length; k++) {
            int seed = k;
            t[k] = new Thread(() -> {
                try {
                    for (int n = 0; n < 3000; n++) {
                        int i = (n * 7 + seed * 13) % files;
                        assertEquals("v" + i + "\n", kept.read(p[i]));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t[k].start();
        }
        for (Thread x : t) x.join();
        if (failure.get() != null) throw new AssertionError(failure.get());
        org.junit.jupiter.api.Assertions.assertTrue(kept.held() <= 8 + t.length, "held " + kept.held());
        kept.close();
    }
}
