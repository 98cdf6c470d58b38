package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer to a registry's 401, for reads and pushes alike: HTTP basic with the login, or Docker's token
 * flow (a {@code Bearer} challenge naming a realm; a token asked for there, with the login when there is
 * one, for the challenge's scope). The login goes only where the caller allows.
 */
final class RegistryAuth {

    private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z]+)=\"([^\"]*)\"");

    /** Refuses a token service the login must not be sent to. */
    interface TokenHost {
        void check(URI tokenService) throws LayerException;
    }

    /**
     * @param current the Authorization sent with the refused request; null when none
     * @param defaultScope the scope asked for when the challenge names none
     * @param action what the token is for, for messages ("pull team/node")
     * @param needsLogin what to say when there is no login
     * @return the Authorization to send again; null when there is nothing new to answer with
     */
    static String answer(HttpClient http, HttpHeaders challenged, RegistryReference ref, Optional<RegistryCredentials.Login> login,
                         String current, String defaultScope, String action, String needsLogin, TokenHost allowed)
            throws IOException {
        String challenge = challenged.firstValue("WWW-Authenticate").orElse("");
        String basic = login.map(l -> "Basic " + Base64.getEncoder().encodeToString(
                (l.user() + ":" + l.secret()).getBytes(StandardCharsets.UTF_8))).orElse(null);
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            return basic == null || basic.equals(current) ? null : basic;
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6) || current != null && current.startsWith("Bearer")) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new LayerException("registry " + ref.host() + " asks for a token but names no realm to get it from");
        }
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(params.getOrDefault("scope", defaultScope), StandardCharsets.UTF_8));
        URI tokenUri = URI.create(url.toString());
        allowed.check(tokenUri);
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri).GET().timeout(Duration.ofSeconds(60));
        if (basic != null) {
            request.header("Authorization", basic);
        }
        HttpResponse<InputStream> token;
        try {
            token = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerException("interrupted while asking " + tokenUri.getHost() + " for a token");
        }
        try (InputStream in = token.body()) {
            if (token.statusCode() != 200) {
                throw new LayerException("the token service of registry " + ref.host() + " (" + tokenUri.getHost()
                        + ") refused a token to " + action + " (" + token.statusCode() + ")"
                        + (basic == null ? ": it needs a login (" + needsLogin + ")" : " with the login given"));
            }
            JsonNode json;
            try {
                json = Json.read(in.readNBytes(1024 * 1024), "the token answer of " + tokenUri.getHost());
            } catch (Json.JsonException e) {
                throw new LayerException("the token service of registry " + ref.host() + " answered something other than JSON");
            }
            String value = JsonRead.text(json, "token");
            if (value == null) {
                value = JsonRead.text(json, "access_token");
            }
            if (value == null) {
                throw new LayerException("the token service of registry " + ref.host() + " answered without a token");
            }
            return "Bearer " + value;
        }
    }
}
