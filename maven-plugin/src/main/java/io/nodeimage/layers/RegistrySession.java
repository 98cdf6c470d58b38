package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One repository of an OCI distribution registry, for writing (the distribution specification's push
 * API) and for the reads a push needs: requests with a login (HTTP basic, or the token a 401's Bearer
 * challenge names, asked for pull and push), TLS with the JDK's trust store or a CA file, plain HTTP only
 * to this machine or to a host allowed by name, and timeouts, so a registry that stops answering is one
 * error naming what was being sent.
 */
final class RegistrySession {

    /** How long an answer may take once a request is sent; a body adds time as if sent at {@link #SLOWEST} bytes a second. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    private static final long SLOWEST = 256 * 1024;

    private final RegistryReference ref;
    private final RegistryCredentials credentials;
    private final boolean plainHttpAllowed;
    private final HttpClient http;
    private final HttpClient probe;
    private String scheme;
    private boolean schemeKnown;
    private String authorization;

    /**
     * @param caFile PEM certificates to trust instead of the JDK's trust store; null for that store
     * @param plainHttp whether plain HTTP may be used to this host (always to this machine)
     */
    RegistrySession(RegistryReference ref, RegistryCredentials credentials, Path caFile, boolean plainHttp) throws IOException {
        this.ref = ref;
        this.credentials = credentials;
        this.plainHttpAllowed = plainHttp || ref.loopback();
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (caFile != null) {
            builder.sslContext(TrustedCa.context(caFile));
        }
        this.http = builder.connectTimeout(Duration.ofSeconds(30)).build();
        this.probe = builder.connectTimeout(Duration.ofSeconds(3)).build();
        this.scheme = "https";
    }

    String host() {
        return ref.host();
    }

    String repository() {
        return ref.repository();
    }

    /**
     * Sends a request to {@code /v2/<repository><path>}, answering a 401 challenge once; the body is made
     * anew for the second try.
     */
    HttpResponse<InputStream> send(String method, String path, Map<String, String> headers,
                                   Supplier<HttpRequest.BodyPublisher> body, String what) throws IOException {
        return send(method, () -> URI.create(scheme + "://" + ref.apiHost() + "/v2/" + ref.repository() + path), headers,
                body, ANSWER_TIMEOUT, what);
    }

    /**
     * Sends a request to a location the registry gave (an upload's), absolute or relative to the registry.
     *
     * @param bodyBytes the body's size: the answer may take longer the more there is to send
     */
    HttpResponse<InputStream> sendTo(String method, String location, Map<String, String> headers,
                                     Supplier<HttpRequest.BodyPublisher> body, long bodyBytes, String what) throws IOException {
        return send(method, () -> location(location), headers, body, ANSWER_TIMEOUT.plusSeconds(bodyBytes / SLOWEST), what);
    }

    private interface Target {
        URI uri() throws LayerException;
    }

    private HttpResponse<InputStream> send(String method, Target target, Map<String, String> headers,
                                           Supplier<HttpRequest.BodyPublisher> body, Duration timeout, String what)
            throws IOException {
        HttpResponse<InputStream> answer = once(method, target.uri(), headers, body, timeout, what);
        if (answer.statusCode() == 401 && authenticate(answer, what)) {
            answer = once(method, target.uri(), headers, body, timeout, what);
        }
        if (answer.statusCode() == 401 || answer.statusCode() == 403) {
            String text = readQuietly(answer);
            throw new LayerException("registry " + ref.host() + " refused to " + what + " (" + answer.statusCode() + ")"
                    + (authorization == null ? ": it needs a login (a settings.xml <server> whose id is " + ref.host()
                    + ", docker login, or a credential helper in the Docker configuration)"
                    : " with the login given: check the user and password, and that it may push to " + ref.repository())
                    + (text.isEmpty() ? "" : "; it said: " + text));
        }
        return answer;
    }

    private URI location(String location) throws LayerException {
        URI uri = URI.create(scheme + "://" + ref.apiHost() + "/").resolve(location);
        if (uri.getAuthority() == null || !uri.getAuthority().equals(ref.apiHost())) {
            throw new LayerException("registry " + ref.host() + " sent the upload to " + uri.getAuthority()
                    + ", another host; nodeimage sends a login and image data only to the registry named");
        }
        return uri;
    }

    private HttpResponse<InputStream> once(String method, URI uri, Map<String, String> headers,
                                           Supplier<HttpRequest.BodyPublisher> body, Duration timeout, String what)
            throws IOException {
        boolean trying = !schemeKnown && scheme.equals("https") && plainHttpAllowed;
        try {
            HttpResponse<InputStream> answer = exchange(trying ? probe : http, method, uri, headers, body, timeout, what);
            schemeKnown = true;
            return answer;
        } catch (javax.net.ssl.SSLException | java.net.http.HttpConnectTimeoutException e) {
            // A handshake that failed (an untrusted certificate) is a TLS server: plain HTTP would not help.
            if (!trying || e instanceof javax.net.ssl.SSLHandshakeException) {
                throw e instanceof javax.net.ssl.SSLException
                        ? new LayerException("TLS with registry " + ref.host() + " failed (" + e.getMessage()
                        + "); its certificate must be trusted: by the JDK's trust store, or by the CA file given")
                        : new LayerException("registry " + ref.host() + " does not answer: " + e.getMessage());
            }
            // A registry allowed plain HTTP that does not speak TLS, as engines allow on this machine.
            scheme = "http";
            schemeKnown = true;
            return exchange(http, method, URI.create("http" + uri.toString().substring("https".length())), headers, body,
                    timeout, what);
        }
    }

    private HttpResponse<InputStream> exchange(HttpClient client, String method, URI uri, Map<String, String> headers,
                                               Supplier<HttpRequest.BodyPublisher> body, Duration timeout, String what)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body.get());
        headers.forEach(request::header);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerException("interrupted while trying to " + what);
        } catch (javax.net.ssl.SSLException | java.net.http.HttpConnectTimeoutException e) {
            throw e;
        } catch (java.net.ConnectException e) {
            throw new LayerException("registry " + ref.host() + " does not answer at " + uri.getScheme() + "://"
                    + uri.getAuthority() + " (" + describe(e) + "): check that it runs and the address is right");
        } catch (IOException e) {
            throw new LayerException("registry " + ref.host() + " stopped answering at " + uri.getScheme() + "://"
                    + uri.getAuthority() + " while trying to " + what + " (" + describe(e) + "); check that it runs "
                    + "and has room, then push again: blobs already sent are skipped");
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** Answers a 401's challenge: a basic login, or a token (for pull and push) from the realm it names. False when it cannot. */
    private boolean authenticate(HttpResponse<InputStream> answer, String what) throws IOException {
        readQuietly(answer);
        String next = RegistryAuth.answer(http, answer.headers(), ref, credentials.find(ref.host()), authorization,
                "repository:" + ref.repository() + ":pull,push", what, "a settings.xml <server> whose id is " + ref.host()
                        + ", docker login, or a credential helper in the Docker configuration", this::tokenHost);
        if (next == null) {
            return false;
        }
        authorization = next;
        return true;
    }

    /** The login goes to a token service over HTTPS, or to the registry's own host where plain HTTP is allowed. */
    private void tokenHost(URI tokenUri) throws LayerException {
        if (!"https".equals(tokenUri.getScheme()) && !(plainHttpAllowed && tokenUri.getHost() != null
                && tokenUri.getHost().equals(URI.create("http://" + ref.apiHost()).getHost()))) {
            throw new LayerException("registry " + ref.host() + " names the token service " + tokenUri.getScheme() + "://"
                    + tokenUri.getAuthority() + ", which is neither HTTPS nor the registry's own host; no login is sent there");
        }
    }

    /** The first bytes of an answer's body (an error text), never more; the connection is released. */
    static String readQuietly(HttpResponse<InputStream> answer) {
        try (InputStream in = answer.body()) {
            String text = new String(in.readNBytes(300), StandardCharsets.UTF_8).strip();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return text;
        } catch (IOException e) {
            return "";
        }
    }
}
