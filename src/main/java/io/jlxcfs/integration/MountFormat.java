package io.jlxcfs.integration;

import java.util.List;

/**
 * How each container runtime spells a list of {@link Bind}s. Pure renderers: the caller gathers
 * the binds (the files that exist under the mount root) and picks the format.
 */
public enum MountFormat {
    DOCKER, PODMAN, POUCH, NERDCTL, KUBERNETES, LXC;

    /** Renders the binds; an empty list renders as a comment saying so. */
    public String render(List<Bind> binds) {
        if (binds.isEmpty()) return "# no jlxcfs files found: is jlxcfs mounted there?\n";
        return switch (this) {
            case DOCKER, PODMAN, POUCH, NERDCTL -> volumeFlags(binds);
            case KUBERNETES -> kubernetes(binds);
            case LXC -> lxc(binds);
        };
    }

    /**
     * One {@code -v SRC:DST:ro} per line, so {@code docker run $(jlxcfs mounts) IMAGE} works. The
     * files are read-only, so the binds are too (docker, podman, nerdctl and pouch all accept
     * {@code ro} on a file bind).
     */
    static String volumeFlags(List<Bind> binds) {
        StringBuilder sb = new StringBuilder();
        for (Bind b : binds) sb.append("-v ").append(b.source()).append(':').append(b.target()).append(":ro\n");
        return sb.toString();
    }

    /** A pod spec fragment: volumes for the pod, volumeMounts for each container. */
    static String kubernetes(List<Bind> binds) {
        StringBuilder sb = new StringBuilder("# add to the pod spec (spec.volumes):\nvolumes:\n");
        for (Bind b : binds) {
            sb.append("- name: ").append(b.volumeName()).append('\n')
              .append("  hostPath:\n")
              .append("    path: ").append(b.source()).append('\n')
              .append("    type: File\n");
        }
        sb.append("# add to each container (spec.containers[*].volumeMounts):\nvolumeMounts:\n");
        for (Bind b : binds) {
            sb.append("- name: ").append(b.volumeName()).append('\n')
              .append("  mountPath: ").append(b.target()).append('\n')
              .append("  mountPropagation: HostToContainer\n")
              .append("  readOnly: true\n");
        }
        return sb.toString();
    }

    /** lxc.mount.entry lines; targets are relative to the rootfs, processed after lxc.mount.auto mounts proc. */
    static String lxc(List<Bind> binds) {
        StringBuilder sb = new StringBuilder();
        for (Bind b : binds) {
            sb.append("lxc.mount.entry = ").append(b.source()).append(' ').append(b.target().substring(1))
              .append(" none bind,ro,optional 0 0\n");
        }
        return sb.toString();
    }
}
