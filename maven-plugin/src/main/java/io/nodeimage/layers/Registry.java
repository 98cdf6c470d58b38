package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An image read from an OCI distribution registry (the distribution specification's pull API) by tag
 * or digest: the manifest (an index resolved to one platform), the configuration and the layers, each
 * checked against its digest. Anonymous, or with a login: HTTP basic, or Docker's token flow (a 401
 * whose WWW-Authenticate names a realm; a token from there, asked for with the login when there is one).
 * TLS with the JDK's trust store (on Debian and RHEL the system's); plain HTTP only to this machine,
 * tried after HTTPS as engines do, or to hosts explicitly allowed.
 */
public final class Registry {

    /**
     * How sources outside an engine are read.
     *
     * @param caFile the CA certificates (PEM or DER) registries must chain to instead of the JDK's trust store; null for that store
     */
    public record Options(Platform platform, Set<String> plainHttpHosts, RegistryCredentials credentials, java.nio.file.Path caFile) {
        public Options(Platform platform, Set<String> plainHttpHosts, RegistryCredentials credentials) {
            this(platform, plainHttpHosts, credentials, null);
        }

        public static Options defaults() {
            return new Options(Platform.host(), Set.of(), RegistryCredentials.dockerConfig());
        }
    }

    private static final int MAX_REDIRECTS = 5;

    private final RegistryReference ref;
    private final Options options;
    private final String source;
    private final HttpClient http;
    /** For the first HTTPS try on this machine: a plain-HTTP server may not answer a TLS hello at all. */
    private final HttpClient probe;

    private String scheme;
    private boolean schemeKnown;
    private volatile String authorization;

    private Registry(RegistryReference ref, Options options, String source) throws LayerException {
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (options.caFile() != null) {
            builder.sslContext(TrustedCa.context(options.caFile()));
        }
        this.http = builder.connectTimeout(Duration.ofSeconds(30)).build();
        this.probe = builder.connectTimeout(Duration.ofSeconds(3)).build();
        this.ref = ref;
        this.options = options;
        this.source = source;
        this.scheme = ref.loopback() || !options.plainHttpHosts().contains(ref.host()) ? "https" : "http";
    }

    public static ImageLayers open(String reference, Options options, String source) throws IOException {
        RegistryReference ref = RegistryReference.parse(reference);
        return new Registry(ref, options, source).image();
    }

    private ImageLayers image() throws IOException {
        String wanted = ref.reference();
        for (int depth = 0; depth < 4; depth++) {
            HttpResponse<InputStream> answer = get("/manifests/" + wanted, Manifests.ACCEPT);
            byte[] bytes = small(answer, "manifest " + wanted);
            if (wanted.contains(":")) {
                Digest.check(bytes, wanted, "the manifest " + wanted + " of " + source);
            }
            String shown = "the manifest " + wanted + " of " + source;
            JsonNode json = Manifests.parse(bytes, shown);
            if (Manifests.isIndex(json, answer.headers().firstValue("Content-Type").orElse(null))) {
                wanted = Manifests.choose(json, options.platform(), shown).digest();
                continue;
            }
            Manifests.Manifest manifest = Manifests.manifest(json, shown);
            String configDigest = manifest.config().digest();
            byte[] config = small(get("/blobs/" + configDigest, "*/*"), "configuration " + configDigest);
            Digest.check(config, configDigest, "the configuration of " + source);
            List<ImageLayers.Listed> listed = new ArrayList<>();
            for (Manifests.Descriptor l : manifest.layers()) {
                listed.add(new ImageLayers.Listed(l.digest(), l.size(), () -> blob(l.digest())));
            }
            return ImageLayers.of(source, configDigest, config, listed);
        }
        throw new LayerException(source + ": indexes nested more than 4 deep");
    }

    private InputStream blob(String digest) throws IOException {
        HttpResponse<InputStream> answer = get("/blobs/" + digest, "*/*");
        return answer.body();
    }

    private byte[] small(HttpResponse<InputStream> answer, String what) throws IOException {
        try (InputStream in = answer.body()) {
            byte[] bytes = in.readNBytes(Manifests.SMALL + 1);
            if (bytes.length > Manifests.SMALL) {
                throw new LayerException("the registry sent more than " + Manifests.SMALL + " bytes for the " + what
                        + " of " + source + ": not a manifest or configuration");
            }
            return bytes;
        }
    }

    /** A GET of the repository's API; answers other than 200 are errors that say what to do. */
    private HttpResponse<InputStream> get(String path, String accept) throws IOException {
        URI uri = URI.create(base() + "/v2/" + ref.repository() + path);
        HttpResponse<InputStream> answer;
        boolean trying = !schemeKnown && ref.loopback() && scheme.equals("https");
        try {
            answer = send(trying ? probe : http, uri, accept);
        } catch (javax.net.ssl.SSLException | java.net.http.HttpConnectTimeoutException e) {
            // A handshake that failed (an untrusted certificate) is a TLS server: plain HTTP would not help.
            if (!trying || e instanceof javax.net.ssl.SSLHandshakeException) {
                throw new LayerException((e instanceof javax.net.ssl.SSLException ? "TLS with registry " + ref.host()
                        + " failed (" + e.getMessage() + "); its certificate must be trusted by the JDK's trust store"
                        + (options.caFile() == null ? "" : " or the CA file given")
                        : "registry " + ref.host() + " does not answer: " + e.getMessage()));
            }
            // A registry on this machine without TLS, as engines allow.
            scheme = "http";
            uri = URI.create(base() + "/v2/" + ref.repository() + path);
            answer = send(http, uri, accept);
        }
        schemeKnown = true;
        if (answer.statusCode() == 401 && authenticate(answer)) {
            answer = send(http, uri, accept);
        }
        int code = answer.statusCode();
        if (code == 200) {
            return answer;
        }
        String body = readQuietly(answer);
        if (code == 401 || code == 403) {
            throw new LayerException("registry " + ref.host() + " refused " + ref.repository() + " (" + code + ")"
                    + (authorization == null ? ": it needs a login (docker login <registry>, "
                    + "or a credential helper in the Docker configuration)" : " with the login given: check it, and that it may pull " + ref.repository()));
        }
        if (code == 404) {
            throw new LayerException("registry " + ref.host() + " has no " + (path.startsWith("/manifests/") ? "manifest "
                    : "blob ") + path.substring(path.lastIndexOf('/') + 1) + " in " + ref.repository()
                    + "; check the reference (docker://<registry>/<repository>[:<tag>|@<digest>])");
        }
        throw new LayerException("registry " + ref.host() + " answered " + code + " for " + uri.getPath() + ": " + body);
    }

    private String base() {
        return scheme + "://" + ref.apiHost();
    }

    /** Sends a GET, following redirects (blob stores); a login goes only to the registry's own host. */
    private HttpResponse<InputStream> send(HttpClient client, URI uri, String accept) throws IOException {
        URI at = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            // The timeout bounds the wait for the answer's headers (the body streams as it comes): a registry
            // that takes the connection and never answers must not hang the goal.
            HttpRequest.Builder request = HttpRequest.newBuilder(at).GET().header("Accept", accept)
                    .timeout(Duration.ofSeconds(60));
            String auth = authorization;
            if (auth != null && at.getAuthority().equals(uri.getAuthority())) {
                request.header("Authorization", auth);
            }
            HttpResponse<InputStream> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LayerException("interrupted while reading " + source);
            } catch (java.net.ConnectException e) {
                throw new LayerException("registry " + ref.host() + " does not answer at " + at.getScheme() + "://"
                        + at.getAuthority() + ": " + e.getMessage());
            }
            int code = answer.statusCode();
            if (code < 300 || code >= 400 || code == 304) {
                return answer;
            }
            readQuietly(answer);
            URI next = answer.headers().firstValue("Location").map(at::resolve)
                    .orElseThrow(() -> new LayerException("registry " + ref.host() + " redirected without a Location"));
            allowed(next);
            at = next;
        }
        throw new LayerException("registry " + ref.host() + " redirected more than " + MAX_REDIRECTS + " times");
    }

    /** Plain HTTP only to this machine or to hosts allowed by name. */
    private void allowed(URI uri) throws LayerException {
        if ("https".equals(uri.getScheme())) {
            return;
        }
        String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        boolean local = uri.getHost() != null && (uri.getHost().equals("localhost") || uri.getHost().startsWith("127.")
                || uri.getHost().equals("[::1]"));
        if (!"http".equals(uri.getScheme()) || !local && !options.plainHttpHosts().contains(host)) {
            throw new LayerException("registry " + ref.host() + " sent to " + uri.getScheme() + "://" + host
                    + ", which is neither HTTPS nor this machine; allow plain HTTP to it by name if it is meant");
        }
    }

    /** Answers a 401's challenge: a basic login, or a token from the realm it names. False when it cannot. */
    private boolean authenticate(HttpResponse<InputStream> answer) throws IOException {
        readQuietly(answer);
        String next = RegistryAuth.answer(http, answer.headers(), ref, options.credentials().find(ref.host()), authorization,
                "repository:" + ref.repository() + ":pull", "pull " + ref.repository(),
                "docker login <registry>, or a credential helper in the Docker configuration", this::allowed);
        if (next == null) {
            return false;
        }
        authorization = next;
        return true;
    }

    private static String readQuietly(HttpResponse<InputStream> answer) {
        try (InputStream in = answer.body()) {
            return new String(in.readNBytes(300), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
