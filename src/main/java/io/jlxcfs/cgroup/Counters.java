package io.jlxcfs.cgroup;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A read-only "key value" file (memory.stat, cpu.stat) as a map: shared key strings and unboxed
 * values in one open-addressed table, a third of a HashMap's footprint, built once per read and
 * looked up a dozen times.
 */
final class Counters extends AbstractMap<String, Long> {

    private final String[] keys;
    private final long[] values;
    private int size;

    /** Room for {@code expected} keys. */
    Counters(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
        keys = new String[cap];
        values = new long[cap];
    }

    /** Adds or replaces; only while building (the map is read-only to everyone else). */
    void add(String key, long value) {
        int at = slot(key);
        if (keys[at] == null) {
            if (size + 1 > keys.length * 3 / 4) throw new IllegalStateException("Counters sized for fewer keys");
            keys[at] = key;
            size++;
        }
        values[at] = value;
    }

    private int slot(Object key) {
        int mask = keys.length - 1;
        int h = key.hashCode();
        for (int at = (h ^ (h >>> 16)) & mask; ; at = (at + 1) & mask) {
            String k = keys[at];
            if (k == null || k == key || k.equals(key)) return at;
        }
    }

    @Override
    public Long get(Object key) {
        if (!(key instanceof String)) return null;
        int at = slot(key);
        return keys[at] == null ? null : values[at];
    }

    @Override
    public Long getOrDefault(Object key, Long dflt) {
        Long v = get(key);
        return v == null ? dflt : v;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String && keys[slot(key)] != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        Map<String, Long> copy = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) copy.put(keys[i], values[i]);
        }
        return java.util.Collections.unmodifiableMap(copy).entrySet();
    }
}
