package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** HTTPS round trips against a self-signed certificate made with openssl in the test. */
class WebhookServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /** key.pem (PKCS#8) and cert.pem for localhost / 127.0.0.1. */
    private void selfSigned(String keyAlg) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl");
        if (keyAlg.equals("rsa")) {
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem");
        } else {
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "key.pem");
        }
        openssl("req", "-x509", "-key", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    private SSLContext trusting(Path cert) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        int i = 0;
        for (Certificate c : Pem.certificates(Files.readString(cert))) ts.setCertificateEntry("c" + i++, c);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ec"})
    void httpsRoundTrip(String keyAlg) throws Exception {
        selfSigned(keyAlg);
        AdmissionPatcher patcher = new AdmissionPatcher(Bind.of(Bind.DEFAULT_ROOT, Bind.commonFiles()));
        SSLContext tls = Pem.serverContext(tmp.resolve("cert.pem"), tmp.resolve("key.pem"));
        try (WebhookServer s = new WebhookServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), tls, patcher);
             HttpClient client = HttpClient.newBuilder().sslContext(trusting(tmp.resolve("cert.pem"))).build()) {
            s.start();
            URI base = URI.create("https://localhost:" + s.port());
            String body = Golden.read("webhook/no-volumes.request.json");
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(base.resolve("/mutate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            JsonNode resp = JSON.readTree(ok.body());
            Golden.assertGolden("webhook/no-volumes.patch.json", AdmissionPatcherTest.decodedPatch(resp));

            HttpResponse<String> bad = client.send(HttpRequest.newBuilder(base.resolve("/mutate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            HttpResponse<String> noReq = client.send(HttpRequest.newBuilder(base.resolve("/mutate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"AdmissionReview\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, noReq.statusCode());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/mutate")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/healthz")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void pkcs1KeysAreRejectedWithAHint() throws Exception {
        selfSigned("rsa");
        openssl("pkey", "-in", "key.pem", "-traditional", "-out", "rsa1.pem");
        String pkcs1 = Files.readString(tmp.resolve("rsa1.pem"));
        assumeTrue(pkcs1.contains("BEGIN RSA PRIVATE KEY"), "openssl wrote PKCS#1");
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> Pem.privateKey(pkcs1));
        assertTrue(e.getMessage().contains("pkcs8"), e.getMessage());
    }
}
