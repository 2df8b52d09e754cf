package io.jlxcfs.integration;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The OCI runtime state a hook gets on stdin (runtime-spec "State"): {@code ociVersion}, {@code id},
 * {@code status}, {@code pid}, {@code bundle}, {@code annotations}. {@code pid} is as the runtime
 * sees it; runc runs createContainer hooks inside the container's pid namespace, so it is 1 there.
 */
public record OciState(String ociVersion, String id, String status, int pid, String bundle,
        Map<String, String> annotations) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A state document that is not usable; the message says why. */
    public static final class BadStateException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadStateException(String msg) {
            super(msg);
        }
    }

    public OciState {
        annotations = Map.copyOf(annotations);
    }

    /** Parses and validates a state document. */
    public static OciState parse(String json) throws BadStateException {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (Exception e) {
            throw new BadStateException("state is not JSON: " + firstLine(e.getMessage()));
        }
        if (n == null || !n.isObject()) throw new BadStateException("state is not a JSON object");
        String version = text(n, "ociVersion");
        String id = text(n, "id");
        String bundle = text(n, "bundle");
        if (!bundle.startsWith("/")) throw new BadStateException("state.bundle is not an absolute path: " + bundle);
        JsonNode pid = n.get("pid");
        if (pid == null || !pid.canConvertToInt() || !pid.isIntegralNumber() || pid.asInt() <= 0) {
            throw new BadStateException("state.pid is missing or not a positive integer");
        }
        JsonNode status = n.get("status");
        return new OciState(version, id, status != null && status.isTextual() ? status.asText() : "",
                pid.asInt(), bundle, stringMap(n.get("annotations")));
    }

    /** String-valued entries of an annotations object (others are ignored); empty if absent. */
    static Map<String, String> stringMap(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getValue().isTextual()) m.put(e.getKey(), e.getValue().asText());
            });
        }
        return m;
    }

    private static String text(JsonNode n, String field) throws BadStateException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new BadStateException("state." + field + " is missing or not a non-empty string");
        }
        return v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
