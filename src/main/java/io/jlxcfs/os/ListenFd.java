package io.jlxcfs.os;

/**
 * A file descriptor systemd passed at start ({@code LISTEN_FDS}), with its name
 * ({@code LISTEN_FDNAMES}, the {@code FDNAME=} it was stored under; "unknown" when unnamed).
 */
public record ListenFd(int fd, String name) {
}
