package io.jlxcfs.integration;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.jlxcfs.daemon.Log;
import io.jlxcfs.vfs.VirtualFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Kubernetes mutating admission webhook (TLS) that adds the jlxcfs hostPath mounts to opted-in pods. */
@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = {"Kubernetes mutating admission webhook: POST /mutate (AdmissionReview v1) adds hostPath volumes "
                + "and read-only volumeMounts of the jlxcfs files to every container of pods labelled or annotated "
                + "jlxcfs.io/enable: \"true\". GET /healthz for probes."})
public final class WebhookCommand implements Callable<Integer> {

    @Option(names = "--cert", required = true, paramLabel = "PEM", description = "Server certificate chain (PEM).")
    Path cert;

    @Option(names = "--key", required = true, paramLabel = "PEM", description = "Private key (PEM, unencrypted PKCS#8).")
    Path key;

    @Option(names = "--port", description = "HTTPS port (default: ${DEFAULT-VALUE}).")
    int port = 8443;

    @Option(names = "--address", description = "Bind address (default: ${DEFAULT-VALUE}).")
    String address = "0.0.0.0";

    @Option(names = "--root", paramLabel = "DIR", description = "jlxcfs mountpoint on the nodes (default: ${DEFAULT-VALUE}).")
    String root = Bind.DEFAULT_ROOT;

    @Option(names = "--files", split = ",", paramLabel = "PATH",
            description = "Files to mount, as paths below the root (default: proc/{cpuinfo,diskstats,loadavg,meminfo,"
                    + "stat,swaps,uptime},sys/devices/system/cpu/online; also proc/slabinfo, proc/pressure/{cpu,io,memory}).")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<VirtualFile> chosen;
        try {
            chosen = files(files);
        } catch (IllegalArgumentException e) {
            System.err.println("jlxcfs webhook: " + e.getMessage());
            return 2;
        }
        AdmissionPatcher patcher = new AdmissionPatcher(Bind.of(root, chosen));
        try (WebhookServer s = new WebhookServer(new InetSocketAddress(address, port), Pem.serverContext(cert, key), patcher)) {
            s.start();
            Log.info("webhook: listening on https://%s:%d/mutate", address, s.port());
            new CountDownLatch(1).await();
        }
        return 0;
    }

    /** The virtual files named by their paths; the common set when none are named. */
    static List<VirtualFile> files(List<String> paths) {
        if (paths.isEmpty()) return Bind.commonFiles();
        List<VirtualFile> out = new ArrayList<>();
        for (String p : paths) {
            String q = p.startsWith("/") ? p.substring(1) : p;
            VirtualFile f = null;
            for (VirtualFile v : VirtualFile.values()) if (v.path().equals(q)) f = v;
            if (f == null) throw new IllegalArgumentException("unknown jlxcfs file: " + p);
            out.add(f);
        }
        return List.copyOf(out);
    }
}
