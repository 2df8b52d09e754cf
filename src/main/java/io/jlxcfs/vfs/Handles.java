package io.jlxcfs.vfs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Open-file state: an {@code fh} is only an index into this table. The daemon may lose it (a
 * restart that takes over a live connection): an unknown {@code fh} is then served as a fresh open.
 */
public final class Handles {

    /** One open file: the node and the snapshot rendered by the last read at offset 0. */
    public static final class Handle {
        private final Node node;
        private Snapshot snapshot;

        Handle(Node node) {
            this.node = node;
        }

        public Node node() {
            return node;
        }

        /** The current snapshot with a reference for the caller (release it), or null. */
        public synchronized Snapshot acquire() {
            Snapshot s = snapshot;
            return s != null && s.retain() ? s : null;
        }

        /** Keeps {@code s} (taking over the caller's reference) and drops the previous one. */
        public void keep(Snapshot s) {
            Snapshot old;
            synchronized (this) {
                old = snapshot;
                snapshot = s;
            }
            if (old != null) old.release();
        }

        void drop() {
            keep(null);
        }
    }

    private final Map<Long, Handle> open = new ConcurrentHashMap<>();
    private final AtomicLong next;

    public Handles() {
        // start above any fh an earlier daemon could have handed out recently
        this.next = new AtomicLong((System.currentTimeMillis() / 1000) << 24);
    }

    public long open(Node node) {
        long fh = next.incrementAndGet();
        open.put(fh, new Handle(node));
        return fh;
    }

    /** The handle for {@code fh}, created for {@code node} when this daemon never saw it. */
    public Handle get(long fh, Node node) {
        Handle h = open.get(fh);
        if (h == null || h.node.ino() != node.ino()) {
            h = new Handle(node);
            open.put(fh, h);
        }
        return h;
    }

    public void release(long fh) {
        Handle h = open.remove(fh);
        if (h != null) h.drop();
    }

    public int size() {
        return open.size();
    }
}
