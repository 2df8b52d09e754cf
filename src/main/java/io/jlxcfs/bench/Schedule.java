package io.jlxcfs.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The order of the measurements. Within a round every configuration (file x threads) is measured on
 * every root back to back, so a configuration's roots are seconds apart; from one round to the next
 * the order of the roots rotates by one, so no root is always first (cold) or always last, and slow
 * drift of the machine (thermal, other load) hits every root alike.
 */
public final class Schedule {

    private Schedule() {
    }

    /** What to measure: one file at one thread count (in fleet mode, threads is the fleet size). */
    public record Config(String file, int threads) {
    }

    /** One measurement: a configuration on one root in one round. */
    public record Step(int round, Config config, int root) {
    }

    /**
     * @param roots   number of roots
     * @param configs the configurations, in order
     * @param rounds  how many times to measure each (config, root)
     */
    public static List<Step> of(int roots, List<Config> configs, int rounds) {
        List<Step> steps = new ArrayList<>(roots * configs.size() * rounds);
        for (int r = 0; r < rounds; r++) {
            for (Config c : configs) {
                for (int i = 0; i < roots; i++) steps.add(new Step(r, c, rootAt(i, r, roots)));
            }
        }
        return steps;
    }

    /** The root measured at position {@code i} of round {@code round}: the order rotates by one per round. */
    static int rootAt(int i, int round, int roots) {
        return (i + round) % roots;
    }

    /** Every file at every thread count, files outermost (so a file's thread counts run together). */
    public static List<Config> configs(List<String> files, List<Integer> threads) {
        List<Config> out = new ArrayList<>();
        for (String f : files) for (int t : threads) out.add(new Config(f, t));
        return out;
    }
}
