package io.jlxcfs.vfs;

/**
 * Renders a virtual file for one caller. Implementations never throw: anything they cannot resolve
 * (pid 0, a process that exited, a cgroup removed mid-read, a garbage cgroup file) yields the host
 * file, and the cause is logged once and counted after that.
 */
public interface Renderer extends AutoCloseable {

    /**
     * @param file what to render
     * @param pid  the caller's pid in the daemon's pid namespace, as {@code fuse_req_ctx} reports it
     *             (a thread id; 0 when the caller is not visible there)
     * @return the file's whole content
     */
    byte[] render(VirtualFile file, int pid);

    /**
     * The same content as a snapshot the FUSE reply can send without a copy, with one reference
     * held for the caller (who releases it).
     */
    default Snapshot snapshot(VirtualFile file, int pid) {
        return Snapshot.of(render(file, pid));
    }

    @Override
    default void close() {
    }
}
