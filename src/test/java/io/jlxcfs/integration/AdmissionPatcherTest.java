package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class AdmissionPatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdmissionPatcher patcher = new AdmissionPatcher(Bind.of(Bind.DEFAULT_ROOT, Bind.commonFiles()));

    /** The decoded patch, pretty-printed, or "none". */
    static String decodedPatch(JsonNode response) throws Exception {
        JsonNode p = response.path("response").path("patch");
        if (p.isMissingNode()) return "none\n";
        JsonNode ops = JSON.readTree(Base64.getDecoder().decode(p.asText()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(ops) + "\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-volumes", "with-volumes", "not-opted-in"})
    void goldenPatches(String name) throws Exception {
        JsonNode req = JSON.readTree(Golden.read("webhook/" + name + ".request.json"));
        ObjectNode resp = patcher.review(req);
        assertEquals("admission.k8s.io/v1", resp.get("apiVersion").asText());
        assertEquals("AdmissionReview", resp.get("kind").asText());
        assertEquals(req.at("/request/uid").asText(), resp.at("/response/uid").asText());
        assertTrue(resp.at("/response/allowed").asBoolean());
        assertEquals(resp.at("/response/patch").isMissingNode(), resp.at("/response/patchType").isMissingNode());
        Golden.assertGolden("webhook/" + name + ".patch.json", decodedPatch(resp));
    }

    @Test
    void initContainersAreLeftAlone() throws Exception {
        JsonNode req = JSON.readTree(Golden.read("webhook/no-volumes.request.json"));
        String patch = decodedPatch(patcher.review(req));
        assertFalse(patch.contains("initContainers"), patch);
    }

    @Test
    void alreadyPatchedPodGetsNoPatch() throws Exception {
        ObjectNode pod = (ObjectNode) JSON.readTree(Golden.read("webhook/no-volumes.request.json")).at("/request/object");
        ObjectNode spec = (ObjectNode) pod.get("spec");
        spec.set("volumes", JSON.createArrayNode());
        for (Bind b : Bind.of(Bind.DEFAULT_ROOT, Bind.commonFiles())) {
            spec.withArray("volumes").add(JSON.createObjectNode().put("name", b.volumeName()));
            for (JsonNode c : spec.get("containers")) {
                ((ObjectNode) c).withArray("volumeMounts").add(JSON.createObjectNode().put("name", b.volumeName())
                        .put("mountPath", b.target()));
            }
        }
        assertTrue(patcher.patch(pod).isEmpty());
    }

    @Test
    void nonPodsAndPodsWithoutSpecAreAllowed() throws Exception {
        JsonNode req = JSON.readTree("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
                + "{\"uid\":\"u\",\"kind\":{\"kind\":\"Deployment\"},\"object\":{\"metadata\":{\"labels\":{\"jlxcfs.io/enable\":\"true\"}}}}}");
        JsonNode resp = patcher.review(req);
        assertTrue(resp.at("/response/allowed").asBoolean());
        assertTrue(resp.at("/response/patch").isMissingNode());
    }

    @Test
    void badRequestsAreRejected() {
        for (String bad : List.of("[]", "{\"kind\":\"Pod\"}", "{\"kind\":\"AdmissionReview\"}",
                "{\"kind\":\"AdmissionReview\",\"request\":{\"object\":{}}}")) {
            assertThrows(AdmissionPatcher.BadRequestException.class,
                    () -> patcher.review(JSON.readTree(bad)), bad);
        }
    }

    @Test
    void patchIsBase64Json() throws Exception {
        JsonNode req = JSON.readTree(Golden.read("webhook/no-volumes.request.json"));
        String b64 = patcher.review(req).at("/response/patch").asText();
        JsonNode ops = JSON.readTree(new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
        assertEquals(3, ops.size(), "volumes + 2 containers");
        assertEquals("JSONPatch", patcher.review(req).at("/response/patchType").asText());
    }

    @Test
    void filesOption() {
        assertEquals(Bind.commonFiles(), WebhookCommand.files(List.of()));
        assertEquals(List.of(io.jlxcfs.vfs.VirtualFile.PROC_PRESSURE_CPU), WebhookCommand.files(List.of("/proc/pressure/cpu")));
        assertThrows(IllegalArgumentException.class, () -> WebhookCommand.files(List.of("proc/kcore")));
    }
}
