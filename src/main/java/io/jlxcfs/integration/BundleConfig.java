package io.jlxcfs.integration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the hook needs from the bundle's config.json: the rootfs (absolute) and the annotations. */
public record BundleConfig(Path rootfs, Map<String, String> annotations) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public BundleConfig {
        annotations = Map.copyOf(annotations);
    }

    /** Reads BUNDLE/config.json; root.path is resolved against the bundle when relative. */
    public static BundleConfig read(Path bundle) throws IOException {
        return parse(bundle, Files.readString(bundle.resolve("config.json")));
    }

    static BundleConfig parse(Path bundle, String json) throws IOException {
        JsonNode n = JSON.readTree(json);
        if (n == null || !n.isObject()) throw new IOException("config.json is not a JSON object");
        JsonNode root = n.path("root").path("path");
        if (!root.isTextual() || root.asText().isEmpty()) throw new IOException("config.json has no root.path");
        return new BundleConfig(bundle.resolve(root.asText()).normalize(), OciState.stringMap(n.get("annotations")));
    }
}
