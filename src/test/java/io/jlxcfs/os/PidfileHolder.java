package io.jlxcfs.os;

import java.nio.file.Path;

/** A child JVM that holds a pidfile until its stdin closes (or it is killed). */
public final class PidfileHolder {

    private PidfileHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Pidfile _ = Pidfile.acquire(Path.of(args[0]))) {
            System.out.println("locked " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin
            }
        } catch (Pidfile.HeldException e) {
            System.out.println("held " + e.holder().orElse(-1) + " " + e.getMessage());
            System.exit(1);
        }
    }
}
