package io.jlxcfs.fuse;

/** The errno values the adapter replies with (Linux x86_64). */
final class Errno {
    static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, EACCES = 13,
            ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, EROFS = 30, ERANGE = 34, ENOSYS = 38,
            ENODATA = 61;

    private Errno() {
    }
}
