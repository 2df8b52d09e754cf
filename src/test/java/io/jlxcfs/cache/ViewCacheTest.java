package io.jlxcfs.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.jlxcfs.view.ViewConfig;
import io.jlxcfs.view.Views;
import io.jlxcfs.vfs.Snapshot;
import io.jlxcfs.vfs.VirtualFile;

/** The cache as the daemon builds it, on this host's real /proc and cgroups, for this process. */
class ViewCacheTest {

    @Test
    void aKnownCallerIsCheckedWithItsKeptFileAloneAndAHitReadsNothingElse() {
        ViewConfig config = ViewConfig.defaults();
        OpenFiles files = new OpenFiles(config.procRoot(), 4096);
        Views views = new Views(config, files);
        int pid = (int) ProcessHandle.current().pid();
        try (ViewCache cache = new ViewCache(views, files, Path.of("/proc"), 60_000_000_000L, 64L << 20, System::nanoTime)) {
            Snapshot first = cache.snapshot(VirtualFile.PROC_MEMINFO, pid);
            first.release();
            long reads = files.reads.sum();
            for (int i = 0; i < 3; i++) cache.snapshot(VirtualFile.PROC_MEMINFO, pid).release();
            ViewCache.Stats s = cache.stats();
            assertEquals(1, s.misses(), s.toString());
            assertEquals(3, s.hits(), s.toString());
            assertEquals(reads, files.reads.sum(),
                    "hits read no file through the cache's files (the caller check preads its kept descriptor)");
            assertEquals(1, s.callers(), s.toString());
            assertTrue(s.fdsHeld() > 0, s.toString());
        }
    }
}
