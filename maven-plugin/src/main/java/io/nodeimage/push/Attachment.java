package io.nodeimage.push;

import io.nodeimage.AtomicFiles;
import io.nodeimage.layers.OciJson;
import io.nodeimage.layers.RegistryWriter;
import io.nodeimage.yaml.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A signed certificate attached to the image it certifies, where tools that list an image's referrers
 * find it: an OCI artifact (image-spec 1.1, "Guidelines for Artifact Usage") of type
 * {@value #DSSE}, whose configuration is the empty descriptor, whose one layer is the envelope, and whose
 * {@code subject} is the image's manifest (distribution-spec 1.1, "Pushing Manifests with Subject").
 * A registry that indexes the subject says so with {@code OCI-Subject}; for one that does not (no
 * referrers API, such as distribution 2.8), the client keeps the referrers tag fallback
 * (distribution-spec 1.1, "Referrers Tag Schema" and "Pushing Manifests with Subject", point 2):
 * tag {@code sha256-<hex>} holds an image index of the referring manifests, read, extended and put back.
 */
public final class Attachment {

    /** The DSSE envelope media type, as in-toto and sigstore name it. */
    public static final String DSSE = "application/vnd.dsse.envelope.v1+json";
    public static final String FILE = io.nodeimage.ProfileOutputs.ATTACHED;

    /**
     * @param artifact the artifact manifest's digest
     * @param fallbackTag the referrers tag updated; null when the registry indexes subjects itself
     */
    public record Attached(String subject, String artifact, String envelope, String fallbackTag) {
    }

    private Attachment() {
    }

    /** The artifact manifest of an envelope that refers to {@code pushed}'s manifest. */
    public static byte[] manifest(PushRecord pushed, OciJson.Descriptor envelope) {
        OciJson.Descriptor subject = new OciJson.Descriptor(pushed.mediaType(), pushed.digest(), pushed.size());
        return OciJson.artifactManifest(DSSE, envelope, subject,
                Map.of("org.opencontainers.image.title", io.nodeimage.ProfileOutputs.CERTIFICATE_ENVELOPE));
    }

    /** Sends the envelope and its artifact manifest, and keeps the fallback tag when the registry needs it. */
    public static Attached attach(RegistryWriter registry, PushRecord pushed, byte[] envelope) throws IOException {
        String envelopeDigest = registry.putBlob(envelope, "the signed certificate of " + pushed.byDigest());
        registry.putBlob(OciJson.EMPTY_BYTES, "the empty configuration");
        OciJson.Descriptor content = new OciJson.Descriptor(DSSE, envelopeDigest, envelope.length);
        byte[] manifest = manifest(pushed, content);
        String digest = OciJson.Descriptor.of(OciJson.MANIFEST, manifest).digest();
        // Pushed by its digest: a tag would name one certificate of many (spec 1.1 allows manifests by digest).
        RegistryWriter.Put put = registry.putManifest(digest, OciJson.MANIFEST, manifest, "the certificate's artifact manifest");
        String fallback = null;
        if (!put.subjectProcessed()) {
            fallback = OciJson.fallbackTag(pushed.digest());
            byte[] existing = registry.manifest(fallback, OciJson.INDEX).map(RegistryWriter.Fetched::bytes).orElse(null);
            OciJson.Descriptor listed = new OciJson.Descriptor(OciJson.MANIFEST, digest, manifest.length, DSSE,
                    Map.of("org.opencontainers.image.title", io.nodeimage.ProfileOutputs.CERTIFICATE_ENVELOPE));
            byte[] index = OciJson.withReferrer(existing, listed, "tag " + fallback + " of " + registry.name());
            registry.putManifest(fallback, OciJson.INDEX, index, "the referrers index " + fallback);
        }
        return new Attached(pushed.byDigest(), digest, envelopeDigest, fallback);
    }

    public static void write(Path directory, Attached a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", a.subject());
        out.put("artifactType", DSSE);
        out.put("artifact", a.artifact());
        out.put("envelope", a.envelope());
        out.put("referrersTag", a.fallbackTag());
        AtomicFiles.write(directory.resolve(FILE), Json.write(out) + "\n");
    }
}
