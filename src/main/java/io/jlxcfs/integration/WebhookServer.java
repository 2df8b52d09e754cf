package io.jlxcfs.integration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.jlxcfs.daemon.Log;

/** HTTPS front of {@link AdmissionPatcher}: POST /mutate answers AdmissionReviews, GET /healthz says ok. */
public final class WebhookServer implements AutoCloseable {

    /** Kubernetes caps admission bodies well below this. */
    static final int MAX_BODY = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpsServer server;
    private final ExecutorService pool;
    private final AdmissionPatcher patcher;

    public WebhookServer(InetSocketAddress addr, SSLContext tls, AdmissionPatcher patcher) throws IOException {
        this.patcher = patcher;
        this.server = HttpsServer.create(addr, 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        this.pool = Executors.newFixedThreadPool(4, Thread.ofPlatform().name("jlxcfs-webhook-", 0).daemon(true).factory());
        server.setExecutor(pool);
        server.createContext("/mutate", this::mutate);
        server.createContext("/healthz", ex -> reply(ex, 200, "text/plain", "ok\n"));
    }

    public void start() {
        server.start();
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void mutate(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, "text/plain", "POST an AdmissionReview\n");
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                reply(ex, 413, "text/plain", "body too large\n");
                return;
            }
            reply(ex, 200, "application/json", JSON.writeValueAsString(patcher.review(parse(body))));
        } catch (AdmissionPatcher.BadRequestException e) {
            Log.warn("webhook: bad request: %s", e.getMessage());
            reply(ex, 400, "text/plain", "bad AdmissionReview: " + e.getMessage() + "\n");
        } catch (RuntimeException e) {
            Log.error("webhook: %s", e);
            reply(ex, 500, "text/plain", "internal error\n");
        }
    }

    private static JsonNode parse(byte[] body) throws AdmissionPatcher.BadRequestException {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AdmissionPatcher.BadRequestException("body is not JSON");
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
