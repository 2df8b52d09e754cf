package io.jlxcfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final List<Schedule.Config> CONFIGS = Schedule.configs(List.of("proc/meminfo", "proc/stat"), List.of(1, 8));

    @Test
    void configsAreFilesTimesThreadsFilesOutermost() {
        assertEquals(List.of(new Schedule.Config("proc/meminfo", 1), new Schedule.Config("proc/meminfo", 8),
                new Schedule.Config("proc/stat", 1), new Schedule.Config("proc/stat", 8)), CONFIGS);
    }

    @Test
    void eachConfigMeetsEveryRootBackToBackAndTheOrderRotates() {
        List<Schedule.Step> steps = Schedule.of(3, CONFIGS, 3);
        assertEquals(3 * 4 * 3, steps.size());
        assertEquals(List.of(0, 1, 2), roots(steps.subList(0, 3)));
        assertEquals(List.of(0, 1, 2), roots(steps.subList(3, 6)));
        assertEquals(List.of(1, 2, 0), roots(steps.subList(12, 15)));
        assertEquals(List.of(2, 0, 1), roots(steps.subList(24, 27)));
        for (int i = 0; i < steps.size(); i += 3) {
            assertEquals(1, steps.subList(i, i + 3).stream().map(Schedule.Step::config).distinct().count());
        }
    }

    @Test
    void overAsManyRoundsAsRootsEveryRootTakesEveryPositionOnce() {
        int roots = 4;
        List<Schedule.Step> steps = Schedule.of(roots, List.of(new Schedule.Config("f", 1)), roots);
        Map<Integer, int[]> positions = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) positions.computeIfAbsent(steps.get(i).root(), k -> new int[roots])[i % roots]++;
        for (int[] p : positions.values()) for (int n : p) assertEquals(1, n);
    }

    @Test
    void oneRoot() {
        assertEquals(List.of(0, 0), roots(Schedule.of(1, List.of(new Schedule.Config("f", 1)), 2)));
    }

    private static List<Integer> roots(List<Schedule.Step> steps) {
        return steps.stream().map(Schedule.Step::root).toList();
    }
}
