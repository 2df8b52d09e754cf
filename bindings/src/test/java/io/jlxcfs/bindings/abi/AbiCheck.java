package io.jlxcfs.bindings.abi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Compares the probe's numbers with the Java bindings' numbers; a pure function of both maps. */
final class AbiCheck {

    /** One key whose C and Java values disagree ({@code "not probed"} / {@code "not bound"} if one side lacks it). */
    record Mismatch(String key, String c, String java) {
        @Override
        public String toString() {
            return key + ": C " + c + ", Java " + java;
        }
    }

    /** The mismatches, and the keys skipped because the installed headers lack that field. */
    record Report(List<Mismatch> mismatches, List<String> absentInHeaders, int compared) {
        boolean clean() {
            return mismatches.isEmpty();
        }
    }

    private AbiCheck() {
    }

    /**
     * @param probe      the probe's output ({@code "absent"} marks a field the headers lack)
     * @param java       the Java bindings' numbers
     * @param prefixKeys keys where Java may be smaller than C (a deliberate prefix of a grown struct)
     */
    static Report compare(Map<String, String> probe, Map<String, Long> java, Set<String> prefixKeys) {
        List<Mismatch> bad = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        int compared = 0;
        Set<String> keys = new TreeSet<>(java.keySet());
        probe.keySet().stream().filter(k -> !k.startsWith("header.")).forEach(keys::add);
        for (String k : keys) {
            String c = probe.get(k);
            Long j = java.get(k);
            if (CProbe.ABSENT.equals(c)) {
                absent.add(k);
            } else if (c == null || j == null) {
                bad.add(new Mismatch(k, c == null ? "not probed" : c, j == null ? "not bound" : j.toString()));
            } else {
                compared++;
                if (!agrees(Long.parseLong(c), j, prefixKeys.contains(k))) {
                    bad.add(new Mismatch(k, c, j.toString()));
                }
            }
        }
        return new Report(List.copyOf(bad), List.copyOf(absent), compared);
    }

    private static boolean agrees(long c, long java, boolean prefix) {
        return prefix ? java <= c : java == c;
    }
}
