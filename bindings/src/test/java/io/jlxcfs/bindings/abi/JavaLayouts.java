package io.jlxcfs.bindings.abi;

import io.jlxcfs.bindings.fuse.FuseVersions.FileInfoBits;
import io.jlxcfs.bindings.fuse.fuse_args;
import io.jlxcfs.bindings.fuse.fuse_conn_info;
import io.jlxcfs.bindings.fuse.fuse_ctx;
import io.jlxcfs.bindings.fuse.fuse_custom_io;
import io.jlxcfs.bindings.fuse.fuse_entry_param;
import io.jlxcfs.bindings.fuse.fuse_file_info;
import io.jlxcfs.bindings.fuse.fuse_in_header;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_ops;
import io.jlxcfs.bindings.fuse.fuse_out_header;
import io.jlxcfs.bindings.libc.cgroupstats;
import io.jlxcfs.bindings.libc.cmsghdr;
import io.jlxcfs.bindings.libc.epoll_event;
import io.jlxcfs.bindings.libc.fanotify_event_metadata;
import io.jlxcfs.bindings.libc.genlmsghdr;
import io.jlxcfs.bindings.libc.inotify_event;
import io.jlxcfs.bindings.libc.iovec;
import io.jlxcfs.bindings.libc.msghdr;
import io.jlxcfs.bindings.libc.nlattr;
import io.jlxcfs.bindings.libc.nlmsghdr;
import io.jlxcfs.bindings.libc.pollfd;
import io.jlxcfs.bindings.libc.sockaddr_un;
import io.jlxcfs.bindings.libc.stat;
import io.jlxcfs.bindings.libc.statvfs;
import io.jlxcfs.bindings.libc.timespec;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The numbers the Java bindings use, read reflectively from the binding classes and keyed like the
 * probe's output: {@code sizeof.S}, {@code alignof.S}, {@code offsetof.S.F}, {@code fieldsize.S.F}
 * and {@code bits.fuse_file_info.F}. Each struct class is named after its C struct.
 */
final class JavaLayouts {

    /** Every struct binding; a new one must be added here and to abi_probe.c. */
    static final List<Class<?>> STRUCTS = List.of(
            fuse_lowlevel_ops.class, fuse_file_info.class, fuse_entry_param.class, fuse_ctx.class, io.jlxcfs.bindings.fuse.fuse_buf.class,
            fuse_conn_info.class, fuse_args.class, fuse_custom_io.class, fuse_in_header.class,
            fuse_out_header.class, stat.class, statvfs.class, iovec.class, pollfd.class,
            epoll_event.class, msghdr.class, cmsghdr.class, inotify_event.class, fanotify_event_metadata.class,
            sockaddr_un.class, timespec.class, nlmsghdr.class, genlmsghdr.class, nlattr.class, cgroupstats.class);

    /** Structs whose Java layout is deliberately the 3.10-3.16 prefix of a struct that grew in 3.17. */
    static final Set<String> PREFIX_STRUCTS = Set.of("fuse_lowlevel_ops", "fuse_file_info", "fuse_conn_info", "fuse_custom_io");

    private JavaLayouts() {
    }

    /** All numbers, with the fuse_file_info bit masks for {@code bits}. */
    static Map<String, Long> numbers(FileInfoBits bits) {
        Map<String, Long> out = new TreeMap<>();
        for (Class<?> c : STRUCTS) {
            addStruct(out, c);
        }
        addBits(out, bits);
        return out;
    }

    /** The {@code sizeof}/{@code alignof} keys of the structs in {@link #PREFIX_STRUCTS}. */
    static Set<String> prefixKeys() {
        Set<String> keys = new java.util.TreeSet<>();
        for (String s : PREFIX_STRUCTS) {
            keys.add("sizeof." + s);
            keys.add("alignof." + s);
        }
        return keys;
    }

    static GroupLayout layout(Class<?> c) {
        try {
            return (GroupLayout) c.getMethod("layout").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(c.getName() + ".layout()", e);
        }
    }

    /** The accessor offsets ({@code F$offset()}) of a struct class, by field name. */
    static Map<String, Long> offsetMethods(Class<?> c) {
        Map<String, Long> out = new TreeMap<>();
        for (Method m : c.getMethods()) {
            if (m.getName().endsWith("$offset") && Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0) {
                out.put(m.getName().substring(0, m.getName().length() - "$offset".length()), invokeLong(m));
            }
        }
        return out;
    }

    /**
     * Places where a binding disagrees with itself: an accessor offset ({@code F$offset()}) that
     * differs from its own layout, or an accessor for a field the layout does not name.
     */
    static List<String> selfCheck() {
        List<String> problems = new ArrayList<>();
        for (Class<?> c : STRUCTS) {
            GroupLayout g = layout(c);
            offsetMethods(c).forEach((field, off) -> {
                if (g.memberLayouts().stream().noneMatch(m -> m.name().orElse("").equals(field))) {
                    problems.add(c.getSimpleName() + "." + field + "$offset() has no layout member");
                } else if (g.byteOffset(groupElement(field)) != off) {
                    problems.add(c.getSimpleName() + "." + field + "$offset() = " + off
                            + " but layout says " + g.byteOffset(groupElement(field)));
                }
            });
        }
        return problems;
    }

    private static void addStruct(Map<String, Long> out, Class<?> c) {
        String s = c.getSimpleName();
        GroupLayout g = layout(c);
        out.put("sizeof." + s, g.byteSize());
        out.put("alignof." + s, g.byteAlignment());
        for (MemoryLayout m : g.memberLayouts()) {
            m.name().ifPresent(f -> {
                out.put("offsetof." + s + "." + f, g.byteOffset(groupElement(f)));
                out.put("fieldsize." + s + "." + f, m.byteSize());
            });
        }
        // the accessors use these constants, not the layout: they win where both exist
        offsetMethods(c).forEach((f, off) -> out.put("offsetof." + s + "." + f, off));
    }

    private static void addBits(Map<String, Long> out, FileInfoBits bits) {
        for (RecordComponent rc : FileInfoBits.class.getRecordComponents()) {
            int pos = (int) invokeOn(rc.getAccessor(), bits);
            out.put("bits.fuse_file_info." + snake(rc.getName()), 1L << pos);
        }
    }

    /** {@code parallelDirectWrites} -> {@code parallel_direct_writes}. */
    static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
    }

    private static long invokeLong(Method m) {
        return ((Number) invokeOn(m, null)).longValue();
    }

    private static Object invokeOn(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(m.toString(), e);
        }
    }
}
