package io.jlxcfs.integration;

import java.util.Map;

/** The opt-in policy shared by the OCI hook and the admission webhook. */
public final class OptIn {

    /** The OCI annotation a container sets to get the jlxcfs files. */
    public static final String OCI_ANNOTATION = "io.jlxcfs.enable";
    /** The pod label or annotation that asks the webhook for the jlxcfs files. */
    public static final String K8S_KEY = "jlxcfs.io/enable";

    private OptIn() {
    }

    /** True when {@code key} is "true" (case-insensitive, trimmed) in any of the maps. */
    @SafeVarargs
    public static boolean enabled(String key, Map<String, String>... maps) {
        for (Map<String, String> m : maps) {
            String v = m.get(key);
            if (v != null && v.trim().equalsIgnoreCase("true")) return true;
        }
        return false;
    }
}
