package io.jlxcfs.cgroup;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A read-only "key value" file (memory.stat, cpu.stat) as a map: shared key strings and unboxed
 * values in one open-addressed table, a third of a HashMap's footprint, built once per read and
 * looked up a dozen times. A map parsed along a known {@link KeyLayout} shares the layout's key
 * table and only fills values.
 */
final class Counters extends AbstractMap<String, Long> {

    /** A slot whose key is in the table but whose line had no usable value this time. */
    private static final long ABSENT = Long.MIN_VALUE;

    private final String[] keys;
    /** Whether {@link #keys} belongs to a layout (then nothing here adds keys). */
    private final boolean sharedKeys;
    private final long[] values;
    private int size;

    /** Room for {@code expected} keys. */
    Counters(int expected) {
        this(new String[tableSize(expected)], false);
    }

    /** Over a layout's key table: values are set by slot. */
    Counters(String[] layoutKeys) {
        this(layoutKeys, true);
    }

    private Counters(String[] keys, boolean sharedKeys) {
        this.keys = keys;
        this.sharedKeys = sharedKeys;
        this.values = new long[keys.length];
        Arrays.fill(values, ABSENT);
    }

    /** The table length for {@code expected} keys (at most 3/4 full). */
    static int tableSize(int expected) {
        return Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
    }

    /** Adds or replaces; only while building (the map is read-only to everyone else). */
    void add(String key, long value) {
        if (sharedKeys) throw new IllegalStateException("a layout's keys are fixed");
        int at = slot(keys, key);
        if (keys[at] == null) {
            if (size + 1 > keys.length * 3 / 4) throw new IllegalStateException("Counters sized for fewer keys");
            keys[at] = key;
        }
        set(at, value);
    }

    /** Sets the value of the key in slot {@code at} (a layout's slot, or one {@link #add} found). */
    void set(int at, long value) {
        if (values[at] == ABSENT) size++;
        values[at] = value;
    }

    /** The slot of {@code key} in an open-addressed table {@code keys}: where it is, or the free slot it would take. */
    static int slot(String[] keys, Object key) {
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
        int at = slot(keys, key);
        return keys[at] == null || values[at] == ABSENT ? null : values[at];
    }

    @Override
    public Long getOrDefault(Object key, Long dflt) {
        Long v = get(key);
        return v == null ? dflt : v;
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, Long>> entrySet() {
        Map<String, Long> copy = new LinkedHashMap<>();
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && values[i] != ABSENT) copy.put(keys[i], values[i]);
        }
        return java.util.Collections.unmodifiableMap(copy).entrySet();
    }
}
