package io.jlxcfs.integration;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Answers AdmissionReview (admission.k8s.io/v1) requests: pods that opt in (label or annotation
 * {@code jlxcfs.io/enable: "true"}) get a hostPath volume per jlxcfs file and a read-only
 * volumeMount (HostToContainer) in each regular container; init and ephemeral containers are left
 * alone. Pure: no I/O, the binds are given.
 */
public final class AdmissionPatcher {

    /** A request that is not a usable AdmissionReview (answered with HTTP 400). */
    public static final class BadRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadRequestException(String msg) {
            super(msg);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Bind> binds;

    public AdmissionPatcher(List<Bind> binds) {
        this.binds = List.copyOf(binds);
    }

    /** The AdmissionReview response for a request body. */
    public ObjectNode review(JsonNode body) throws BadRequestException {
        if (body == null || !body.isObject()) throw new BadRequestException("body is not a JSON object");
        if (!"AdmissionReview".equals(body.path("kind").asText())) throw new BadRequestException("kind is not AdmissionReview");
        JsonNode req = body.get("request");
        if (req == null || !req.isObject()) throw new BadRequestException("no request");
        JsonNode uid = req.get("uid");
        if (uid == null || !uid.isTextual() || uid.asText().isEmpty()) throw new BadRequestException("request.uid missing");
        ObjectNode resp = JSON.createObjectNode().put("uid", uid.asText()).put("allowed", true);
        JsonNode pod = req.get("object");
        if (isPod(req) && pod != null && pod.isObject() && optedIn(pod)) {
            ArrayNode patch = patch(pod);
            if (!patch.isEmpty()) {
                resp.put("patchType", "JSONPatch");
                resp.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("apiVersion", body.path("apiVersion").asText("admission.k8s.io/v1"));
        out.put("kind", "AdmissionReview");
        out.set("response", resp);
        return out;
    }

    private static boolean isPod(JsonNode req) {
        JsonNode kind = req.path("kind").path("kind");
        return kind.isMissingNode() || "Pod".equals(kind.asText());
    }

    /** The opt-in policy: label or annotation jlxcfs.io/enable == "true". */
    public static boolean optedIn(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        return OptIn.enabled(OptIn.K8S_KEY, OciState.stringMap(meta.get("labels")),
                OciState.stringMap(meta.get("annotations")));
    }

    /** The JSON patch for an opted-in pod; empty when everything is already there. */
    public ArrayNode patch(JsonNode pod) {
        ArrayNode ops = JSON.createArrayNode();
        JsonNode spec = pod.path("spec");
        addVolumes(ops, spec.path("volumes"));
        JsonNode containers = spec.path("containers");
        for (int i = 0; i < containers.size(); i++) addMounts(ops, i, containers.get(i).path("volumeMounts"));
        return ops;
    }

    private void addVolumes(ArrayNode ops, JsonNode existing) {
        Set<String> names = fieldValues(existing, "name");
        List<JsonNode> add = new ArrayList<>();
        for (Bind b : binds) if (!names.contains(b.volumeName())) add.add(volume(b));
        append(ops, "/spec/volumes", existing, add);
    }

    private void addMounts(ArrayNode ops, int container, JsonNode existing) {
        Set<String> names = fieldValues(existing, "name");
        Set<String> paths = fieldValues(existing, "mountPath");
        List<JsonNode> add = new ArrayList<>();
        for (Bind b : binds) {
            if (!names.contains(b.volumeName()) && !paths.contains(b.target())) add.add(mount(b));
        }
        append(ops, "/spec/containers/" + container + "/volumeMounts", existing, add);
    }

    /** One "add" of the whole array when there is none yet, else one "add .../-" per element. */
    private static void append(ArrayNode ops, String path, JsonNode existing, List<JsonNode> add) {
        if (add.isEmpty()) return;
        if (!existing.isArray()) {
            ArrayNode arr = JSON.createArrayNode();
            arr.addAll(add);
            ops.add(op(path, arr));
            return;
        }
        for (JsonNode v : add) ops.add(op(path + "/-", v));
    }

    private static ObjectNode op(String path, JsonNode value) {
        ObjectNode o = JSON.createObjectNode().put("op", "add").put("path", path);
        o.set("value", value);
        return o;
    }

    private static ObjectNode volume(Bind b) {
        ObjectNode v = JSON.createObjectNode().put("name", b.volumeName());
        v.set("hostPath", JSON.createObjectNode().put("path", b.source()).put("type", "File"));
        return v;
    }

    private static ObjectNode mount(Bind b) {
        return JSON.createObjectNode().put("name", b.volumeName()).put("mountPath", b.target())
                .put("readOnly", true).put("mountPropagation", "HostToContainer");
    }

    private static Set<String> fieldValues(JsonNode arr, String field) {
        Set<String> out = new HashSet<>();
        if (arr.isArray()) for (JsonNode n : arr) if (n.path(field).isTextual()) out.add(n.get(field).asText());
        return out;
    }
}
