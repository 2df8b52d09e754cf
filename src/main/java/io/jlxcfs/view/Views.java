package io.jlxcfs.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.jlxcfs.daemon.Log;
import io.jlxcfs.vfs.Renderer;
import io.jlxcfs.vfs.VirtualFile;

/** Entry point of the views: dispatches each virtual file to its view. */
public final class Views implements Renderer {

    private final ViewConfig config;

    public Views(ViewConfig config) {
        this.config = config;
    }

    @Override
    public byte[] render(VirtualFile file, int pid) {
        return host(file);
    }

    /** The host file, verbatim (the fallback for anything unresolvable). */
    byte[] host(VirtualFile file) {
        String hp = file.hostPath();
        Path p = hp.startsWith("/proc/") ? config.procRoot().resolve(hp.substring(6))
                : config.sysRoot().resolve(hp.substring(5));
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            Log.once(Log.WARNING, "host-read:" + hp, "cannot read %s: %s", p, e.getMessage());
            return new byte[0];
        }
    }
}
