package io.jlxcfs.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.List;

import io.jlxcfs.bindings.Native;
import io.jlxcfs.bindings.fuse.fuse_ctx;
import io.jlxcfs.bindings.fuse.fuse_entry_param;
import io.jlxcfs.bindings.fuse.fuse_file_info;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_h;
import io.jlxcfs.bindings.fuse.fuse_lowlevel_ops;
import io.jlxcfs.bindings.libc.stat;
import io.jlxcfs.bindings.libc.statvfs;
import io.jlxcfs.daemon.Log;
import io.jlxcfs.vfs.Handles;
import io.jlxcfs.vfs.Node;
import io.jlxcfs.vfs.Renderer;
import io.jlxcfs.vfs.Snapshot;
import io.jlxcfs.vfs.Tree;

/**
 * The low-level operations. Every upcall goes through {@link #guard}: no Throwable escapes (it
 * would kill the JVM), a failure is logged once per cause and answered with EIO, and every request
 * gets exactly one reply.
 *
 * <p>Read-only by construction: the mount is {@code ro}, so the kernel answers EROFS for writes
 * before they reach us; the write-type slots still answer EROFS themselves (never ENOSYS).
 */
final class Ops {

    /** Fixed layout: the kernel may cache names and attributes for a long time. */
    private static final double FIXED_TIMEOUT = 3600.0;
    /**
     * Per-caller files: a short attribute life, because splice readers trust st_size (below) and
     * the kernel shrinks it after a short page-cache read; a LOOKUP once a second restores it.
     */
    private static final double VIRTUAL_TIMEOUT = 1.0;
    /** Passed-through host entries (CPUs may come and go). */
    private static final double HOST_TIMEOUT = 1.0;
    private static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFLNK = 0120000;
    private static final int O_ACCMODE = 3, O_RDONLY = 0;
    private static final int W_OK = 2;

    private final Tree tree;
    private final Renderer renderer;
    private final Handles handles;
    private final long startSec = System.currentTimeMillis() / 1000;
    private volatile MemorySegment session = MemorySegment.NULL;
    private final FuseServer.Counters counters = new FuseServer.Counters();
    private final Runnable onServing;
    private final java.util.Map<io.jlxcfs.vfs.VirtualFile, Long> sizes;

    /** Per-worker scratch segments, allocated once per thread. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment st = stat.allocate(arena);
        final MemorySegment entry = fuse_entry_param.allocate(arena);
        final MemorySegment svfs = statvfs.allocate(arena);
        MemorySegment dirbuf = arena.allocate(4096);
    }

    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /**
     * st_size of the virtual files. procfs reports 0, but sendfile/splice on a FUSE file goes
     * through the page cache, which stops at st_size: busybox cat would print nothing. So, as
     * lxcfs reports the host file's size, jlxcfs reports twice the host file's size rounded up to a
     * page (a view is never longer than the host file it filters); read(2) ignores it (direct_io).
     */
    static java.util.Map<io.jlxcfs.vfs.VirtualFile, Long> sizes(java.nio.file.Path procRoot, java.nio.file.Path sysRoot) {
        java.util.Map<io.jlxcfs.vfs.VirtualFile, Long> m = new java.util.EnumMap<>(io.jlxcfs.vfs.VirtualFile.class);
        for (io.jlxcfs.vfs.VirtualFile vf : io.jlxcfs.vfs.VirtualFile.values()) {
            String hp = vf.hostPath();
            java.nio.file.Path p = hp.startsWith("/proc/") ? procRoot.resolve(hp.substring(6)) : sysRoot.resolve(hp.substring(5));
            long len;
            try {
                len = Files.readAllBytes(p).length;
            } catch (IOException | RuntimeException e) {
                len = 0;
            }
            m.put(vf, Math.max(4096, (2 * len + 4095) / 4096 * 4096));
        }
        return m;
    }

    Ops(Tree tree, Renderer renderer, Handles handles, Runnable onServing, java.util.Map<io.jlxcfs.vfs.VirtualFile, Long> sizes) {
        this.sizes = sizes;
        this.onServing = onServing;
        this.tree = tree;
        this.renderer = renderer;
        this.handles = handles;
    }

    FuseServer.Counters counters() {
        return counters;
    }

    void session(MemorySegment se) {
        this.session = se;
    }

    MemorySegment struct(Arena arena) {
        MemorySegment o = fuse_lowlevel_ops.allocate(arena);
        o.fill((byte) 0);
        fuse_lowlevel_ops.init(o, fuse_lowlevel_ops.init.allocate(this::init, arena));
        fuse_lowlevel_ops.lookup(o, fuse_lowlevel_ops.lookup.allocate(this::lookup, arena));
        fuse_lowlevel_ops.forget(o, fuse_lowlevel_ops.forget.allocate(this::forget, arena));
        fuse_lowlevel_ops.getattr(o, fuse_lowlevel_ops.getattr.allocate(this::getattr, arena));
        fuse_lowlevel_ops.readlink(o, fuse_lowlevel_ops.readlink.allocate(this::readlink, arena));
        fuse_lowlevel_ops.open(o, fuse_lowlevel_ops.open.allocate(this::open, arena));
        fuse_lowlevel_ops.read(o, fuse_lowlevel_ops.read.allocate(this::read, arena));
        fuse_lowlevel_ops.release(o, fuse_lowlevel_ops.release.allocate(this::release, arena));
        fuse_lowlevel_ops.opendir(o, fuse_lowlevel_ops.opendir.allocate(this::opendir, arena));
        fuse_lowlevel_ops.readdir(o, fuse_lowlevel_ops.readdir.allocate((r, i, s, off, fi) -> readdir(r, i, s, off, false), arena));
        fuse_lowlevel_ops.readdirplus(o, fuse_lowlevel_ops.readdirplus.allocate((r, i, s, off, fi) -> readdir(r, i, s, off, true), arena));
        fuse_lowlevel_ops.releasedir(o, fuse_lowlevel_ops.releasedir.allocate((r, i, fi) -> guard(r, "releasedir", rep -> rep.err(0)), arena));
        fuse_lowlevel_ops.statfs(o, fuse_lowlevel_ops.statfs.allocate(this::statfs, arena));
        fuse_lowlevel_ops.getxattr(o, fuse_lowlevel_ops.getxattr.allocate((r, i, n, s) -> guard(r, "getxattr", rep -> rep.err(Errno.ENODATA)), arena));
        fuse_lowlevel_ops.listxattr(o, fuse_lowlevel_ops.listxattr.allocate(this::listxattr, arena));
        fuse_lowlevel_ops.access(o, fuse_lowlevel_ops.access.allocate((r, i, m) -> guard(r, "access", rep -> rep.err((m & W_OK) != 0 ? Errno.EROFS : 0)), arena));
        // the write side: EROFS everywhere (the ro mount answers first; these are the backstop)
        fuse_lowlevel_ops.setattr(o, fuse_lowlevel_ops.setattr.allocate((r, i, a, t, fi) -> rofs(r, "setattr"), arena));
        fuse_lowlevel_ops.mknod(o, fuse_lowlevel_ops.mknod.allocate((r, p, n, m, d) -> rofs(r, "mknod"), arena));
        fuse_lowlevel_ops.mkdir(o, fuse_lowlevel_ops.mkdir.allocate((r, p, n, m) -> rofs(r, "mkdir"), arena));
        fuse_lowlevel_ops.unlink(o, fuse_lowlevel_ops.unlink.allocate((r, p, n) -> rofs(r, "unlink"), arena));
        fuse_lowlevel_ops.rmdir(o, fuse_lowlevel_ops.rmdir.allocate((r, p, n) -> rofs(r, "rmdir"), arena));
        fuse_lowlevel_ops.symlink(o, fuse_lowlevel_ops.symlink.allocate((r, l, p, n) -> rofs(r, "symlink"), arena));
        fuse_lowlevel_ops.rename(o, fuse_lowlevel_ops.rename.allocate((r, p, n, np, nn, f) -> rofs(r, "rename"), arena));
        fuse_lowlevel_ops.link(o, fuse_lowlevel_ops.link.allocate((r, i, np, nn) -> rofs(r, "link"), arena));
        fuse_lowlevel_ops.write(o, fuse_lowlevel_ops.write.allocate((r, i, b, s, off, fi) -> rofs(r, "write"), arena));
        fuse_lowlevel_ops.create(o, fuse_lowlevel_ops.create.allocate((r, p, n, m, fi) -> rofs(r, "create"), arena));
        fuse_lowlevel_ops.setxattr(o, fuse_lowlevel_ops.setxattr.allocate((r, i, n, v, s, f) -> rofs(r, "setxattr"), arena));
        fuse_lowlevel_ops.removexattr(o, fuse_lowlevel_ops.removexattr.allocate((r, i, n) -> rofs(r, "removexattr"), arena));
        fuse_lowlevel_ops.fallocate(o, fuse_lowlevel_ops.fallocate.allocate((r, i, m, off, len, fi) -> rofs(r, "fallocate"), arena));
        return o;
    }

    /** One request's reply, sent at most once. */
    static final class Reply {
        private final MemorySegment req;
        private boolean done;

        Reply(MemorySegment req) {
            this.req = req;
        }

        void err(int errno) {
            done = true;
            fuse_lowlevel_h.fuse_reply_err(req, errno);
        }

        void none() {
            done = true;
            fuse_lowlevel_h.fuse_reply_none(req);
        }

        void buf(MemorySegment data, long size) {
            done = true;
            fuse_lowlevel_h.fuse_reply_buf(req, data, size);
        }

        void entry(MemorySegment e) {
            done = true;
            fuse_lowlevel_h.fuse_reply_entry(req, e);
        }

        void attr(MemorySegment st, double timeout) {
            done = true;
            fuse_lowlevel_h.fuse_reply_attr(req, st, timeout);
        }

        void open(MemorySegment fi) {
            done = true;
            fuse_lowlevel_h.fuse_reply_open(req, fi);
        }

        void statfs(MemorySegment s) {
            done = true;
            fuse_lowlevel_h.fuse_reply_statfs(req, s);
        }

        void readlink(MemorySegment link) {
            done = true;
            fuse_lowlevel_h.fuse_reply_readlink(req, link);
        }

        void xattr(long count) {
            done = true;
            fuse_lowlevel_h.fuse_reply_xattr(req, count);
        }
    }

    @FunctionalInterface
    interface Body {
        void run(Reply reply) throws Exception;
    }

    private void guard(MemorySegment req, String op, Body body) {
        counters.requests.increment();
        Reply reply = new Reply(req);
        try {
            body.run(reply);
        } catch (Throwable t) {
            counters.errors.increment();
            try {
                Log.once(Log.ERR, "upcall:" + op + ":" + t.getClass().getSimpleName(),
                        "%s failed: %s", op, t);
            } catch (Throwable ignored) {
                // logging must not be the thing that kills the JVM
            }
        }
        if (!reply.done) {
            try {
                fuse_lowlevel_h.fuse_reply_err(req, Errno.EIO);
            } catch (Throwable ignored) {
                // nothing left to do for this request
            }
        }
    }

    private void rofs(MemorySegment req, String op) {
        guard(req, op, r -> r.err(Errno.EROFS));
    }

    // ---- operations

    private void init(MemorySegment userdata, MemorySegment conn) {
        try {
            Log.info("FUSE connection initialised (%s, libfuse %s)",
                    FuseServer.initSummary(io.jlxcfs.bindings.fuse.fuse_conn_info.ofAddress(conn)),
                    io.jlxcfs.bindings.fuse.FuseVersions.loaded());
            onServing.run();
        } catch (Throwable t) {
            Log.once(Log.WARNING, "init-hook", "init hook failed: %s", t);
        }
    }

    private void lookup(MemorySegment req, long parent, MemorySegment name) {
        guard(req, "lookup", r -> {
            String n = Native.cString(name);
            Node node = tree.lookup(parent, n);
            Scratch s = scratch.get();
            MemorySegment e = s.entry;
            e.fill((byte) 0);
            if (node == null) {
                // a cached negative entry: ino 0 with a timeout
                fuse_entry_param.entry_timeout(e, HOST_TIMEOUT);
                r.entry(e);
                return;
            }
            fillEntry(e, node);
            if (Log.debug()) Log.debug("lookup %d/%s -> %d", parent, n, node.ino());
            r.entry(e);
        });
    }

    private void fillEntry(MemorySegment e, Node node) {
        double t = timeout(node);
        fuse_entry_param.ino(e, node.ino());
        fuse_entry_param.generation(e, 1);
        fillStat(fuse_entry_param.attr(e), node);
        fuse_entry_param.attr_timeout(e, t);
        fuse_entry_param.entry_timeout(e, t);
    }

    private static double timeout(Node node) {
        return switch (node.kind()) {
            case DIR -> FIXED_TIMEOUT;
            case VIRTUAL -> VIRTUAL_TIMEOUT;
            default -> HOST_TIMEOUT;
        };
    }

    private void forget(MemorySegment req, long ino, long nlookup) {
        // inodes are a function of their path: nothing to count or free
        guard(req, "forget", Reply::none);
    }

    private void getattr(MemorySegment req, long ino, MemorySegment fi) {
        guard(req, "getattr", r -> {
            Node node = tree.get(ino);
            if (node == null) {
                r.err(Errno.ENOENT);
                return;
            }
            MemorySegment st = scratch.get().st;
            fillStat(st, node);
            r.attr(st, timeout(node));
        });
    }

    private void fillStat(MemorySegment st, Node node) {
        st.fill((byte) 0);
        stat.st_ino(st, node.ino());
        int type;
        long size = 0;
        long nlink = 1;
        switch (node.kind()) {
            case DIR, HOST_DIR -> {
                type = S_IFDIR;
                nlink = 2;
            }
            case HOST_LINK -> {
                type = S_IFLNK;
                size = linkTarget(node).length();
            }
            case HOST_FILE -> {
                type = S_IFREG;
                size = 4096; // as sysfs reports
            }
            default -> {
                type = S_IFREG;
                size = sizes.get(node.file());
            }
        }
        stat.st_mode(st, type | node.mode());
        stat.st_nlink(st, nlink);
        stat.st_size(st, size);
        stat.st_blksize(st, 4096);
        stat.st_atim_sec(st, startSec);
        stat.st_mtim_sec(st, startSec);
        stat.st_ctim_sec(st, startSec);
    }

    private static String linkTarget(Node node) {
        try {
            return Files.readSymbolicLink(node.hostPath()).toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private void readlink(MemorySegment req, long ino) {
        guard(req, "readlink", r -> {
            Node node = tree.get(ino);
            if (node == null || node.kind() != Node.Kind.HOST_LINK) {
                r.err(node == null ? Errno.ENOENT : Errno.EINVAL);
                return;
            }
            try (Arena a = Arena.ofConfined()) {
                r.readlink(a.allocateFrom(linkTarget(node)));
            }
        });
    }

    private void open(MemorySegment req, long ino, MemorySegment fiPtr) {
        guard(req, "open", r -> {
            Node node = tree.get(ino);
            if (node == null) {
                r.err(Errno.ENOENT);
                return;
            }
            if (node.isDir()) {
                r.err(Errno.EISDIR);
                return;
            }
            MemorySegment fi = fuse_file_info.ofAddress(fiPtr);
            if ((fuse_file_info.flags(fi) & O_ACCMODE) != O_RDONLY) {
                r.err(Errno.EROFS);
                return;
            }
            fuse_file_info.fh(fi, handles.open(node));
            // content depends on the reader: every read must reach us, with the reader's pid
            fuse_file_info.direct_io(fi, true);
            fuse_file_info.keep_cache(fi, false);
            r.open(fi);
        });
    }

    private void read(MemorySegment req, long ino, long size, long off, MemorySegment fiPtr) {
        guard(req, "read", r -> {
            counters.reads.increment();
            Node node = tree.get(ino);
            if (node == null) {
                r.err(Errno.ENOENT);
                return;
            }
            if (node.isDir()) {
                r.err(Errno.EISDIR);
                return;
            }
            if (off < 0) {
                r.err(Errno.EINVAL);
                return;
            }
            long fh = fuse_file_info.fh(fuse_file_info.ofAddress(fiPtr));
            Handles.Handle h = handles.get(fh, node);
            Snapshot snap = off == 0 ? null : h.acquire();
            if (snap == null) {
                // offset 0 renders for this read's caller; a later offset slices that snapshot
                snap = render(req, node);
                if (snap.retain()) h.keep(snap); // the handle's reference; ours is released below
            }
            try {
                MemorySegment data = snap.segment();
                long len = data.byteSize();
                long n = off >= len ? 0 : Math.min(size, len - off);
                r.buf(n == 0 ? MemorySegment.NULL : data.asSlice(off, n), n);
            } finally {
                snap.release();
            }
        });
    }

    /** A fresh snapshot with one reference for the caller. */
    private Snapshot render(MemorySegment req, Node node) {
        counters.renders.increment();
        if (node.kind() == Node.Kind.HOST_FILE) {
            try {
                return Snapshot.of(Files.readAllBytes(node.hostPath()));
            } catch (IOException e) {
                return Snapshot.of(new byte[0]);
            }
        }
        int pid = fuse_ctx.pid(fuse_ctx.ofAddress(fuse_lowlevel_h.fuse_req_ctx(req)));
        Snapshot b = renderer.snapshot(node.file(), pid);
        if (Log.debug()) Log.debug("render %s for pid %d: %d bytes", node.file().path(), pid, b.segment().byteSize());
        return b;
    }

    private void release(MemorySegment req, long ino, MemorySegment fiPtr) {
        guard(req, "release", r -> {
            handles.release(fuse_file_info.fh(fuse_file_info.ofAddress(fiPtr)));
            r.err(0);
        });
    }

    private void opendir(MemorySegment req, long ino, MemorySegment fiPtr) {
        guard(req, "opendir", r -> {
            Node node = tree.get(ino);
            if (node == null) {
                r.err(Errno.ENOENT);
            } else if (!node.isDir()) {
                r.err(Errno.ENOTDIR);
            } else {
                MemorySegment fi = fuse_file_info.ofAddress(fiPtr);
                fuse_file_info.fh(fi, 0);
                r.open(fi);
            }
        });
    }

    private void readdir(MemorySegment req, long ino, long size, long off, boolean plus) {
        guard(req, plus ? "readdirplus" : "readdir", r -> {
            Node dir = tree.get(ino);
            if (dir == null) {
                r.err(Errno.ENOENT);
                return;
            }
            if (!dir.isDir()) {
                r.err(Errno.ENOTDIR);
                return;
            }
            List<Node> children = tree.list(ino);
            int total = children.size() + 2; // "." and ".." exactly once each
            Scratch s = scratch.get();
            if (s.dirbuf.byteSize() < size) s.dirbuf = s.arena.allocate(size);
            MemorySegment buf = s.dirbuf;
            long pos = 0;
            try (Arena a = Arena.ofConfined()) {
                for (long i = off; i < total; i++) {
                    String name;
                    Node n;
                    if (i == 0) {
                        name = ".";
                        n = dir;
                    } else if (i == 1) {
                        name = "..";
                        n = tree.get(dir.parent());
                        if (n == null) n = dir;
                    } else {
                        n = children.get((int) (i - 2));
                        name = n.name();
                    }
                    MemorySegment cname = a.allocateFrom(name);
                    long need;
                    MemorySegment slot = buf.asSlice(pos);
                    if (plus) {
                        MemorySegment e = s.entry;
                        e.fill((byte) 0);
                        if (i >= 2) {
                            fillEntry(e, n);
                        } else {
                            // "." and "..": attributes only, no lookup reference for the kernel
                            fillStat(fuse_entry_param.attr(e), n);
                        }
                        need = fuse_lowlevel_h.fuse_add_direntry_plus(req, slot, size - pos, cname, e, i + 1);
                    } else {
                        MemorySegment st = s.st;
                        fillStat(st, n);
                        need = fuse_lowlevel_h.fuse_add_direntry(req, slot, size - pos, cname, st, i + 1);
                    }
                    if (need > size - pos) break;
                    pos += need;
                }
            }
            r.buf(buf, pos);
        });
    }

    private void statfs(MemorySegment req, long ino) {
        guard(req, "statfs", r -> {
            MemorySegment s = scratch.get().svfs;
            s.fill((byte) 0);
            statvfs.f_bsize(s, 4096);
            statvfs.f_frsize(s, 4096);
            statvfs.f_namemax(s, 255);
            r.statfs(s);
        });
    }

    private void listxattr(MemorySegment req, long ino, long size) {
        guard(req, "listxattr", r -> {
            if (size == 0) {
                r.xattr(0);
            } else {
                r.buf(MemorySegment.NULL, 0);
            }
        });
    }
}
