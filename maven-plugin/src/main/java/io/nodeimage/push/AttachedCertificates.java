package io.nodeimage.push;

import io.nodeimage.ConfigurationException;
import io.nodeimage.layers.OciJson;
import io.nodeimage.layers.RegistryWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The signed certificates attached to an image in a registry, found as referrers of its manifest: the
 * referrers API (distribution-spec 1.1, "Listing Referrers"), or, where the registry has none (404),
 * the referrers tag fallback ("Referrers Tag Schema"). Only artifacts of type {@value Attachment#DSSE}
 * are read; nothing in them is trusted here: the envelopes go to the signature check as bytes.
 */
public final class AttachedCertificates {

    /** One attached envelope: its bytes, and where it was found (for messages). */
    public record Found(byte[] envelope, String artifact, String subject) {
    }

    private AttachedCertificates() {
    }

    /**
     * @param reference {@code <registry>/<repository>@sha256:<hex>}
     */
    public static List<Found> find(String reference, RegistryWriter.Connection connection) {
        int at = reference.indexOf('@');
        if (at < 0 || !reference.substring(at + 1).matches("sha256:[0-9a-f]{64}")) {
            throw new ConfigurationException("'" + reference + "' names no image by digest",
                    "name the image as <registry>/<repository>@sha256:<64 hex>: a tag can move, a digest cannot");
        }
        String digest = reference.substring(at + 1);
        try {
            RegistryWriter registry = RegistryWriter.open(reference.substring(0, at), connection);
            if (registry.manifest(digest, OciJson.MANIFEST + ", " + OciJson.INDEX).isEmpty()) {
                throw new ConfigurationException("registry " + registry.host() + " has no image " + reference,
                        "check the digest: nodeimage:push records it in pushed.json");
            }
            Optional<byte[]> index = registry.referrers(digest);
            String shown = "the referrers of " + reference;
            if (index.isEmpty()) {
                index = registry.manifest(OciJson.fallbackTag(digest), OciJson.INDEX).map(RegistryWriter.Fetched::bytes);
                shown = "the referrers tag " + OciJson.fallbackTag(digest) + " of " + registry.name();
            }
            List<Found> out = new ArrayList<>();
            if (index.isEmpty()) {
                return out;
            }
            for (OciJson.Descriptor d : OciJson.referrers(index.get(), Attachment.DSSE, shown)) {
                RegistryWriter.Fetched manifest = registry.manifest(d.digest(), OciJson.MANIFEST).orElse(null);
                if (manifest == null) {
                    continue;
                }
                OciJson.Artifact artifact = OciJson.artifact(manifest.bytes(), "artifact " + d.digest());
                if (!Attachment.DSSE.equals(artifact.content().mediaType())) {
                    continue;
                }
                out.add(new Found(registry.blob(artifact.content().digest()), d.digest(), artifact.subject()));
            }
            return out;
        } catch (IOException e) {
            throw new ConfigurationException("reading the certificates attached to " + reference + " failed: "
                    + e.getMessage(), "check that the registry answers and the login (settings.xml <server>, "
                    + "Docker configuration)");
        }
    }
}
