package io.nodeimage.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.ConfigurationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.RuleResult;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import io.nodeimage.yaml.Location;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a running node still runs what its image's certificate says: the kernel, and for each GPU driver
 * the version, the flavour and the very module (its srcversion, the digest of its sources the kernel
 * reports in /sys/module). An image that passed can become a node that does not: booted into another
 * kernel, a driver loaded from a mounted file system or built by hand. Each difference is a finding of
 * the pseudo-policy {@value #POLICY}, judged beside the policies and reported like them.
 */
public final class Drift {

    public static final String POLICY = "certificate";

    /** What certify records of the image for this check: its kernels and drivers, from the facts verify judged. */
    public record Node(List<String> kernels, List<Driver> drivers) {
        public Node {
            kernels = List.copyOf(kernels);
            drivers = List.copyOf(drivers);
        }
    }

    /** A driver module of the image: where it is, its version and flavour, and its srcversion. */
    public record Driver(String vendor, String module, String kernel, String version, String flavor, String srcversion) {
    }

    private Drift() {
    }

    /** The node section certify writes, made from the facts.json verify judged. */
    static Map<String, Object> section(JsonNode facts) {
        List<String> kernels = new ArrayList<>();
        List<Object> drivers = new ArrayList<>();
        for (JsonNode k : JsonRead.items(facts, "kernels")) {
            kernels.add(k.path("version").asText());
        }
        for (JsonNode d : JsonRead.items(facts, "drivers")) {
            String path = d.path("module").asText();
            Optional<JsonNode> module = JsonRead.items(facts, "kernels").stream()
                    .filter(k -> k.path("version").asText().equals(d.path("kernel").asText()))
                    .flatMap(k -> JsonRead.items(k, "modules").stream())
                    .filter(m -> m.path("path").asText().equals(path)).findFirst();
            Map<String, Object> driver = new LinkedHashMap<>();
            driver.put("vendor", d.path("vendor").asText());
            driver.put("module", module.map(m -> m.path("name").asText()).orElse(null));
            driver.put("kernel", d.path("kernel").asText());
            driver.put("version", d.path("version").isNull() ? null : d.path("version").asText());
            driver.put("flavor", d.path("flavor").isNull() ? null : d.path("flavor").asText());
            driver.put("srcversion", module.map(m -> m.path("srcversion").isNull() ? null : m.path("srcversion").asText())
                    .orElse(null));
            drivers.add(driver);
        }
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("kernels", kernels);
        node.put("drivers", drivers);
        return node;
    }

    /** The node section of a certificate's statement (its payload, for a signed one). */
    public static Node read(byte[] statement, String shown) {
        JsonNode node = JsonRead.at(Json.read(statement, shown), "predicate", "node");
        if (node == null || node.isMissingNode() || node.isNull()) {
            throw new ConfigurationException(shown + " records no node section (kernels and drivers of the image), so "
                    + "a running node cannot be compared with it", "certify the image again with this version of nodeimage");
        }
        List<String> kernels = JsonRead.items(node, "kernels").stream().map(JsonNode::asText).toList();
        List<Driver> drivers = JsonRead.items(node, "drivers").stream().map(d -> new Driver(text(d, "vendor"),
                text(d, "module"), text(d, "kernel"), text(d, "version"), text(d, "flavor"), text(d, "srcversion"))).toList();
        return new Node(kernels, drivers);
    }

    /**
     * The node section of a certificate file: an unsigned statement, or a signed envelope whose signature
     * verifies with {@code key} (then only its payload is read). With a key, an unsigned statement is refused,
     * as check-certificate refuses it.
     */
    public static Node read(Path certificate, String shown, io.nodeimage.signing.VerificationKey key) {
        return read(CertificateEnvelope.trusted(certificate, shown, key), key == null ? shown : shown + " (signed payload)");
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** One result per thing compared: the kernel, and each driver's version and flavour and its module's source. */
    public static List<RuleResult> judge(Node image, Facts host, String shown) {
        Facts.Runtime runtime = host.runtime();
        String release = runtime == null ? null : runtime.kernelRelease();
        List<RuleResult> out = new ArrayList<>();
        Location at = Location.startOf(shown);
        boolean kernelOk = release != null && image.kernels().contains(release);
        out.add(result(rule("DRIFT-KERNEL", "the node runs a kernel of its image"), kernelOk,
                release == null ? "the running kernel's release could not be read"
                        : "runs " + release + (kernelOk ? ", a kernel of the certified image"
                        : "; the certified image has " + (image.kernels().isEmpty() ? "no kernel" : String.join(", ", image.kernels()))),
                at));
        for (Driver d : image.drivers()) {
            if (release != null && !d.kernel().equals(release) && image.drivers().stream().anyMatch(o -> o.kernel().equals(release))) {
                continue; // the image's driver for another of its kernels
            }
            Optional<Facts.Driver> running = host.drivers().stream().filter(r -> r.vendor().equals(d.vendor())).findFirst();
            String id = "DRIFT-DRIVER-" + d.vendor().toUpperCase(java.util.Locale.ROOT);
            String image1 = d.version() + (d.flavor() == null ? "" : " (" + d.flavor() + ")");
            if (running.isEmpty()) {
                out.add(result(rule(id, "the node runs its image's " + d.vendor() + " driver"), false,
                        "no " + d.vendor() + " driver is running; the certified image has " + image1, at));
            } else {
                Facts.Driver r = running.get();
                boolean same = java.util.Objects.equals(r.version(), d.version())
                        && (d.flavor() == null || r.flavor() == null || d.flavor().equals(r.flavor()));
                String now = r.version() + (r.flavor() == null ? "" : " (" + r.flavor() + ")");
                out.add(result(rule(id, "the node runs its image's " + d.vendor() + " driver"), same,
                        "runs " + d.vendor() + " " + now + (same ? ", as certified" : "; the certified image has " + image1), at));
            }
            if (d.module() != null && d.srcversion() != null && runtime != null) {
                String name = d.module().replace('-', '_');
                Optional<Facts.LoadedModule> loaded = runtime.loadedModules().stream()
                        .filter(m -> m.name().replace('-', '_').equals(name)).findFirst();
                String mid = "DRIFT-MODULE-" + name;
                if (loaded.isEmpty()) {
                    out.add(result(rule(mid, name + " is the image's module"), false, name + " is not loaded", at));
                } else {
                    String src = loaded.get().srcversion();
                    boolean same = d.srcversion().equals(src);
                    out.add(result(rule(mid, name + " is the image's module"), same, same
                            ? name + " has the image's srcversion " + src
                            : name + " was loaded from elsewhere: its srcversion is " + src + ", the image's module's is "
                            + d.srcversion(), at));
                }
            }
        }
        return out;
    }

    private static Policy.Rule rule(String id, String title) {
        return Policy.Rule.finding(id, title, Policy.Severity.HIGH,
                "A node that passed as an image can drift: booted into another kernel, a driver loaded from a mounted "
                        + "file system or built by hand. The certificate says what the image held.",
                "Boot the node from its certified image, or certify the image the node runs.",
                List.of());
    }

    private static RuleResult result(Policy.Rule rule, boolean pass, String message, Location at) {
        return new RuleResult(POLICY, "1", rule, pass ? RuleResult.Status.PASS : RuleResult.Status.FAIL, message,
                List.of(), at, null, false, null, false);
    }
}
