package io.jlxcfs.cgroup;

/** How the cgroup hierarchies are mounted. */
public enum Layout {
    /** Only v1 controller hierarchies. */
    V1,
    /** v1 controllers plus a cgroup2 mount at {@code unified/} (systemd's hybrid mode). */
    HYBRID,
    /** A single cgroup2 hierarchy. */
    V2,
    /** Nothing usable was found: every view falls back to the host file. */
    NONE
}
