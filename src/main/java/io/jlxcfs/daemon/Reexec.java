package io.jlxcfs.daemon;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.jlxcfs.bindings.libc.libc_h;
import io.jlxcfs.os.ListenFd;

/**
 * Reload (SIGUSR1, {@code systemctl reload}): the daemon stops serving without unmounting and
 * re-executes itself in place ({@code execve} keeps the pid systemd watches), so the JVM loads
 * the jar now on disk and parses its command line (and any {@code @argfile} in it) again. The
 * connection crosses the exec as two inherited descriptors named in {@value #ENV}; the new
 * process takes it over exactly as after a restart.
 */
final class Reexec {

    static final String ENV = "JLXCFS_INHERIT_FDS";
    static final String ENV_IN_STORE = "JLXCFS_IN_STORE";

    private Reexec() {
    }

    /** Fds a previous image of this process left us. */
    static List<ListenFd> inherited() {
        String v = System.getenv(ENV);
        if (v == null || v.isBlank()) return List.of();
        List<ListenFd> out = new ArrayList<>();
        for (String item : v.split(",")) {
            int c = item.indexOf(':');
            if (c <= 0) continue;
            try {
                out.add(new ListenFd(Integer.parseInt(item.substring(0, c)), item.substring(c + 1)));
            } catch (NumberFormatException e) {
                Log.warn("malformed %s entry %s", ENV, item);
            }
        }
        return out;
    }

    static boolean inStore() {
        return "1".equals(System.getenv(ENV_IN_STORE));
    }

    /** Replaces this process; returns only if execve failed. */
    static void exec(int fuseFd, byte[] init, Path mnt, boolean inStore) throws IOException {
        byte[] blob = Handover.blob(init, mnt.toString());
        List<String> argv = cmdline();
        String exe = Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cs = libc_h.callState(a);
            int memfd = libc_h.memfd_create(cs, a.allocateFrom("jlxcfs-init"), 0); // no CLOEXEC: it must cross
            if (memfd < 0) throw new IOException("memfd_create: errno " + libc_h.errno(cs));
            MemorySegment buf = a.allocateFrom(ValueLayout.JAVA_BYTE, blob);
            if (libc_h.write(cs, memfd, buf, blob.length) != blob.length) throw new IOException("writing the INIT copy failed");
            Map<String, String> env = new java.util.TreeMap<>(System.getenv());
            env.keySet().removeIf(k -> k.startsWith("LISTEN_") || k.equals(Supervisor.ENV_FDS) || k.equals(Supervisor.ENV_PID));
            env.put(ENV, fuseFd + ":" + Handover.FUSE_NAME + "," + memfd + ":" + Handover.INIT_NAME);
            env.put(ENV_IN_STORE, inStore ? "1" : "0");
            closeOnExecAllBut(cs, fuseFd, memfd);
            MemorySegment av = strings(a, argv);
            List<String> ev = new ArrayList<>();
            env.forEach((k, v) -> ev.add(k + "=" + v));
            MemorySegment envp = strings(a, ev);
            Log.info("reloading: re-executing %s", String.join(" ", argv));
            libc_h.execve(cs, a.allocateFrom(exe), av, envp);
            throw new IOException("execve " + exe + ": errno " + libc_h.errno(cs));
        }
    }

    /** The JVM opens some files without close-on-exec (its jar, its modules): they must not pile up. */
    private static void closeOnExecAllBut(MemorySegment cs, int... keep) throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                int fd;
                try {
                    fd = Integer.parseInt(p.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                if (fd < 3 || java.util.Arrays.stream(keep).anyMatch(k -> k == fd)) continue;
                libc_h.fcntl(cs, fd, 2 /* F_SETFD */, 1 /* FD_CLOEXEC */);
            }
        }
    }

    private static List<String> cmdline() throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
                out.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    private static MemorySegment strings(Arena a, List<String> list) {
        MemorySegment arr = a.allocate(ValueLayout.ADDRESS, list.size() + 1);
        for (int i = 0; i < list.size(); i++) arr.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(list.get(i)));
        arr.setAtIndex(ValueLayout.ADDRESS, list.size(), MemorySegment.NULL);
        return arr;
    }
}
