package io.jlxcfs.vfs;

import java.nio.file.Path;

/**
 * One entry of the tree. Inode numbers are a pure function of the path (fixed numbers for the
 * LXCFS layout, a hash for passed-through host entries) so that a daemon that takes over a live
 * connection agrees with the kernel about every inode it had looked up.
 *
 * @param ino      the inode number
 * @param parent   the parent's inode number (the root is its own parent)
 * @param name     the entry name ("" for the root)
 * @param kind     what it is
 * @param file     the virtual file, for {@link Kind#VIRTUAL}
 * @param hostPath the host file, for the passthrough kinds
 * @param mode     permission bits
 */
public record Node(long ino, long parent, String name, Kind kind, VirtualFile file, Path hostPath, int mode) {

    public enum Kind {
        /** A directory of the fixed layout. */
        DIR,
        /** A file rendered per caller. */
        VIRTUAL,
        /** A directory passed through from the host (sys/devices/system/cpu and below). */
        HOST_DIR,
        /** A file passed through from the host. */
        HOST_FILE,
        /** A symbolic link passed through from the host. */
        HOST_LINK
    }

    public boolean isDir() {
        return kind == Kind.DIR || kind == Kind.HOST_DIR;
    }
}
