package io.jlxcfs.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine;

/** deploy/: the manifests and the hooks.d file carry the fields that make the integration work. */
class ManifestsTest {

    private static final Path DEPLOY = Path.of("../deploy");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** kind -> document, for a multi-document YAML file (a splitter is all these checks need). */
    private static Map<String, String> docs(String file) throws IOException {
        String text = Files.readString(DEPLOY.resolve("kubernetes").resolve(file));
        assertFalse(text.contains("\t"), file + ": YAML must not contain tabs");
        Map<String, String> out = new LinkedHashMap<>();
        for (String doc : text.split("(?m)^---\\s*$")) {
            Matcher m = Pattern.compile("(?m)^kind: (\\S+)").matcher(doc);
            if (m.find()) out.put(m.group(1), doc);
        }
        return out;
    }

    private static void has(String doc, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(doc).find(), "missing /" + regex + "/");
    }

    @Test
    void daemonSet() throws IOException {
        Map<String, String> d = docs("daemonset.yaml");
        assertEquals(List.of("ServiceAccount", "DaemonSet"), List.copyOf(d.keySet()));
        String ds = d.get("DaemonSet");
        has(ds, "^      hostPID: true$");
        has(ds, "privileged: true");
        has(ds, "mountPath: /var/lib/lxcfs\\n\\s+mountPropagation: Bidirectional");
        has(ds, "path: /var/lib/lxcfs\\n\\s+type: DirectoryOrCreate");
        has(ds, "path: /sys/fs/cgroup\\n");
        has(ds, "path: /run\\n");
        has(ds, "postStart:[\\s\\S]*jlxcfs.jar remount --root /var/lib/lxcfs");
        // the daemon runs under jlxcfs supervise, which keeps the connection across daemon crashes
        has(ds, "exec java --enable-native-access=ALL-UNNAMED -jar /opt/jlxcfs/jlxcfs.jar supervise -- \\\\\n\\s+java --enable-native-access=ALL-UNNAMED -jar /opt/jlxcfs/jlxcfs.jar /var/lib/lxcfs");
        has(ds, "- operator: Exists");
        // SIGUSR2 toggles passthrough: the JVM must suspend threads (JFR) with another signal
        has(ds, "- name: _JAVA_SR_SIGNUM\\n\\s+value: \"40\"");
        assertFalse(ds.contains("/proc/1/"), "with hostPID, /proc/1 is the host's init");
    }

    @Test
    void namespaceAllowsPrivilegedPods() throws IOException {
        has(docs("namespace.yaml").get("Namespace"), "pod-security.kubernetes.io/enforce: privileged");
    }

    @Test
    void webhook() throws IOException {
        Map<String, String> d = docs("webhook.yaml");
        assertEquals(List.of("ServiceAccount", "Deployment", "Service", "MutatingWebhookConfiguration"), List.copyOf(d.keySet()));
        String mwc = d.get("MutatingWebhookConfiguration");
        has(mwc, "admissionReviewVersions: \\[\"v1\"\\]");
        has(mwc, "sideEffects: None");
        has(mwc, "failurePolicy: Ignore");
        has(mwc, "name: jlxcfs-webhook\\n\\s+namespace: jlxcfs\\n\\s+path: /mutate\\n\\s+port: 443");
        has(mwc, "operations: \\[\"CREATE\"\\]");
        has(mwc, "resources: \\[\"pods\"\\]");
        has(mwc, "values: \\[\"jlxcfs\", \"kube-system\"\\]");
        has(d.get("Service"), "port: 443\\n\\s+targetPort: https");
        String dep = d.get("Deployment");
        has(dep, "containerPort: 8443");
        has(dep, "secretName: jlxcfs-webhook-tls");
        Matcher m = Pattern.compile("(?m)^\\s+args: \\[(.*)\\]$").matcher(dep);
        assertTrue(m.find());
        List<String> args = new ArrayList<>(List.of("webhook"));
        for (String a : m.group(1).split(",\\s*")) args.add(a.replaceAll("^\"|\"$", ""));
        assertTrue(args.contains("--cert") && args.contains("--key"));
        new CommandLine(new WebhookCommand()).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    }

    @Test
    void ociHooksFile() throws IOException {
        JsonNode h = JSON.readTree(DEPLOY.resolve("oci-hooks.d/jlxcfs.json").toFile());
        assertEquals("1.0.0", h.get("version").asText());
        assertEquals("[\"createContainer\"]", h.get("stages").toString());
        assertTrue(h.at("/hook/path").asText().startsWith("/"));
        JsonNode ann = h.at("/when/annotations");
        assertEquals(1, ann.size());
        Map.Entry<String, JsonNode> e = ann.properties().iterator().next();
        assertEquals("^io\\.jlxcfs\\.enable$", e.getKey());
        Pattern key = Pattern.compile(e.getKey());
        Pattern val = Pattern.compile(e.getValue().asText());
        assertTrue(key.matcher(OptIn.OCI_ANNOTATION).find() && val.matcher("true").find());
        assertFalse(key.matcher("io.jlxcfs.enabled").find() || key.matcher("ioXjlxcfsXenable").find());
        assertFalse(val.matcher("false").find() || val.matcher("truex").find());
        List<String> args = new ArrayList<>();
        h.at("/hook/args").forEach(a -> args.add(a.asText()));
        int i = args.indexOf("oci-hook");
        assertTrue(i > 0 && args.get(i - 2).equals("-jar"), args.toString());
        new CommandLine(new OciHookCommand()).parseArgs(args.subList(i + 1, args.size()).toArray(String[]::new));
    }
}
