package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Writes to one repository of an OCI distribution registry, as the distribution specification 1.1 says
 * (section "Push"): a blob is checked for with HEAD and sent only when missing, by POST then one
 * monolithic PUT with its digest; a manifest by PUT, and the digest the registry answers
 * ({@code Docker-Content-Digest}) must be the one computed here. Also the reads a push and a check
 * need: manifests, small blobs, and the referrers API (section "Listing Referrers").
 */
public final class RegistryWriter {

    /**
     * How to reach the registry.
     *
     * @param caFile PEM or DER certificates to trust instead of the JDK's trust store; null for that store
     * @param plainHttp whether plain HTTP may be used to this host (to this machine it always may)
     */
    public record Connection(RegistryCredentials credentials, Path caFile, boolean plainHttp) {
    }

    /** A manifest as the registry holds it. */
    public record Fetched(byte[] bytes, String mediaType, String digest) {
    }

    /**
     * What a manifest PUT answered.
     *
     * @param subjectProcessed whether the registry said it indexed the manifest's subject ({@code OCI-Subject}):
     *                         without it, the referrers tag fallback must be kept by the client
     */
    public record Put(String digest, boolean subjectProcessed) {
    }

    private final RegistrySession session;

    private RegistryWriter(RegistrySession session) {
        this.session = session;
    }

    /** @param repository {@code host[:port]/path}, no tag or digest */
    public static RegistryWriter open(String repository, Connection connection) throws IOException {
        RegistryReference ref = RegistryReference.parse(repository);
        return new RegistryWriter(new RegistrySession(ref, connection.credentials(), connection.caFile(), connection.plainHttp()));
    }

    public String host() {
        return session.host();
    }

    /** {@code host/repository}, as a reference names the repository. */
    public String name() {
        return session.host() + "/" + session.repository();
    }

    public boolean hasBlob(String digest) throws IOException {
        HttpResponse<InputStream> answer = session.send("HEAD", "/blobs/" + digest, Map.of(), null, "look for blob " + digest);
        RegistrySession.readQuietly(answer);
        if (answer.statusCode() == 200) {
            return true;
        }
        if (answer.statusCode() == 404) {
            return false;
        }
        throw unexpected(answer, "look for blob " + digest, "");
    }

    /** Sends small content (a configuration, an envelope) unless the registry has it; returns its digest. */
    public String putBlob(byte[] bytes, String what) throws IOException {
        String digest = Digest.sha256(bytes);
        putBlob(digest, bytes.length, () -> new java.io.ByteArrayInputStream(bytes), what);
        return digest;
    }

    /**
     * Sends a blob unless the registry has it: POST opens an upload, one PUT with the digest closes it
     * (spec 1.1, "Pushing a blob monolithically", the POST then PUT form). The registry checks the digest.
     */
    public void putBlob(String digest, long size, Layer.Opener opener, String what) throws IOException {
        if (hasBlob(digest)) {
            return;
        }
        HttpResponse<InputStream> started = session.send("POST", "/blobs/uploads/", Map.of(),
                HttpRequest.BodyPublishers::noBody, "start the upload of " + what);
        String location = started.headers().firstValue("Location").orElse(null);
        RegistrySession.readQuietly(started);
        if (started.statusCode() != 202 || location == null) {
            throw unexpected(started, "start the upload of " + what, "");
        }
        String target = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
        HttpResponse<InputStream> done = session.sendTo("PUT", target, Map.of("Content-Type", "application/octet-stream"),
                () -> HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return opener.open();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), size), size, "send " + what);
        String text = RegistrySession.readQuietly(done);
        if (done.statusCode() != 201) {
            throw unexpected(done, "send " + what, text);
        }
    }

    /** PUTs a manifest under a tag or its digest; the registry's digest must be the bytes' own. */
    public Put putManifest(String reference, String mediaType, byte[] bytes, String what) throws IOException {
        String digest = Digest.sha256(bytes);
        HttpResponse<InputStream> answer = session.send("PUT", "/manifests/" + reference, Map.of("Content-Type", mediaType),
                () -> HttpRequest.BodyPublishers.ofByteArray(bytes), "put " + what);
        String text = RegistrySession.readQuietly(answer);
        if (answer.statusCode() != 201) {
            throw unexpected(answer, "put " + what, text);
        }
        String answered = answer.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!answered.equals(digest)) {
            throw new LayerException("registry " + host() + " stored " + what + " as " + answered + ", but its bytes are "
                    + digest + ": the registry changed the manifest; nothing can be bound to it");
        }
        return new Put(digest, answer.headers().firstValue("OCI-Subject").isPresent());
    }

    /** A manifest by tag or digest; empty when the registry has none. */
    public Optional<Fetched> manifest(String reference, String accept) throws IOException {
        HttpResponse<InputStream> answer = session.send("GET", "/manifests/" + reference, Map.of("Accept", accept), null,
                "read manifest " + reference);
        if (answer.statusCode() == 404) {
            RegistrySession.readQuietly(answer);
            return Optional.empty();
        }
        byte[] bytes = small(answer, "manifest " + reference);
        String digest = Digest.sha256(bytes);
        if (reference.contains(":") && !reference.equals(digest)) {
            throw new LayerException("registry " + host() + " answered manifest " + reference + " with bytes of " + digest
                    + ": the registry holds other bytes under that digest");
        }
        return Optional.of(new Fetched(bytes, answer.headers().firstValue("Content-Type").orElse(null), digest));
    }

    /**
     * The image index of the manifests whose subject is {@code digest} (spec 1.1, "Listing Referrers");
     * empty when the registry has no referrers API (404), so the tag fallback must be read instead.
     */
    public Optional<byte[]> referrers(String digest) throws IOException {
        HttpResponse<InputStream> answer = session.send("GET", "/referrers/" + digest,
                Map.of("Accept", OciJson.INDEX), null, "list the referrers of " + digest);
        if (answer.statusCode() == 404) {
            RegistrySession.readQuietly(answer);
            return Optional.empty();
        }
        return Optional.of(small(answer, "referrers of " + digest));
    }

    /** A small blob (an envelope, a configuration), checked against its digest. */
    public byte[] blob(String digest) throws IOException {
        if (!Digest.valid(digest)) {
            throw new LayerException("'" + digest + "' is not a sha256 or sha512 digest");
        }
        HttpResponse<InputStream> answer = session.send("GET", "/blobs/" + digest, Map.of(), null, "read blob " + digest);
        if (answer.statusCode() == 307 || answer.statusCode() == 302) {
            RegistrySession.readQuietly(answer);
            throw new LayerException("registry " + host() + " redirects blob " + digest + " to a blob store; read it with "
                    + "the docker:// source instead");
        }
        byte[] bytes = small(answer, "blob " + digest);
        Digest.check(bytes, digest, "blob " + digest + " of " + name());
        return bytes;
    }

    private byte[] small(HttpResponse<InputStream> answer, String what) throws IOException {
        if (answer.statusCode() != 200) {
            String text = RegistrySession.readQuietly(answer);
            throw unexpected(answer, "read " + what, text);
        }
        try (InputStream in = answer.body()) {
            byte[] bytes = in.readNBytes(Manifests.SMALL + 1);
            if (bytes.length > Manifests.SMALL) {
                throw new LayerException("registry " + host() + " sent more than " + Manifests.SMALL + " bytes for the "
                        + what + ": not what it should be");
            }
            return bytes;
        }
    }

    private LayerException unexpected(HttpResponse<InputStream> answer, String what, String text) {
        int code = answer.statusCode();
        String hint = code == 405 || text.contains("UNSUPPORTED") || text.toLowerCase(java.util.Locale.ROOT).contains("read-only")
                || text.toLowerCase(java.util.Locale.ROOT).contains("readonly")
                ? ": the registry does not accept writes (read-only, or a mirror); push to one that does"
                : code == 413 ? ": the registry refuses content this large" : "";
        return new LayerException("registry " + host() + " answered " + code + " when asked to " + what + hint
                + (text.isEmpty() ? "" : "; it said: " + text));
    }
}
