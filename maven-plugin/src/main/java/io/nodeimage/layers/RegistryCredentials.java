package io.nodeimage.layers;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.yaml.Json;
import io.nodeimage.yaml.JsonRead;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Where a registry's login comes from; a secret is never logged, written, or put in a message. */
public interface RegistryCredentials {

    /** A user and a password or token. */
    record Login(String user, String secret) {
        @Override
        public String toString() {
            return "Login[" + user + "]";
        }
    }

    Optional<Login> find(String host) throws IOException;

    RegistryCredentials NONE = host -> Optional.empty();

    /** Logins by host, as Maven's settings.xml servers give them (id = registry host). */
    static RegistryCredentials of(Map<String, Login> byHost) {
        return host -> Optional.ofNullable(byHost.get(host));
    }

    /** The first of these that has a login for the host. */
    static RegistryCredentials firstOf(List<RegistryCredentials> sources) {
        return host -> {
            for (RegistryCredentials s : sources) {
                Optional<Login> found = s.find(host);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        };
    }

    /**
     * The Docker configuration's logins ({@code $DOCKER_CONFIG/config.json}, else
     * {@code ~/.docker/config.json}): a credential helper named for the host ({@code credHelpers}) or
     * for all ({@code credsStore}), asked with {@code docker-credential-<name> get}; else the
     * {@code auths} entry {@code docker login} wrote.
     */
    static RegistryCredentials dockerConfig() {
        return host -> {
            String dir = System.getenv("DOCKER_CONFIG");
            Path file = (dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker"))
                    .resolve("config.json");
            if (!Files.isRegularFile(file)) {
                return Optional.empty();
            }
            JsonNode config;
            try {
                config = Json.read(file, file.toString());
            } catch (Json.JsonException e) {
                throw new LayerException("the Docker configuration " + file + " cannot be read: " + e.getMessage());
            }
            String key = host.equals("docker.io") ? "https://index.docker.io/v1/" : host;
            String helper = JsonRead.text(config, "credHelpers", key);
            if (helper == null) {
                helper = JsonRead.text(config, "credsStore");
            }
            if (helper != null) {
                Optional<Login> fromHelper = helper(helper, key);
                if (fromHelper.isPresent()) {
                    return fromHelper;
                }
            }
            for (String k : List.of(key, "https://" + key, "http://" + key)) {
                JsonNode auth = JsonRead.at(config, "auths", k);
                if (auth == null) {
                    continue;
                }
                String encoded = JsonRead.text(auth, "auth");
                if (encoded != null) {
                    String pair;
                    try {
                        pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw new LayerException("the Docker configuration's auth of " + k + " is not base64; "
                                + "log in again (docker login " + key + ")");
                    }
                    int colon = pair.indexOf(':');
                    if (colon > 0) {
                        return Optional.of(new Login(pair.substring(0, colon), pair.substring(colon + 1)));
                    }
                }
                if (JsonRead.text(auth, "username") != null) {
                    return Optional.of(new Login(JsonRead.text(auth, "username"), JsonRead.text(auth, "password")));
                }
            }
            return Optional.empty();
        };
    }

    private static Optional<Login> helper(String name, String host) throws IOException {
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new LayerException("the Docker configuration names credential helper '" + name + "', not a helper name");
        }
        Process p;
        try {
            p = new ProcessBuilder("docker-credential-" + name, "get").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new LayerException("the Docker configuration names credential helper docker-credential-" + name
                    + ", which cannot run: " + e.getMessage());
        }
        try (var in = p.getOutputStream()) {
            in.write(host.getBytes(StandardCharsets.UTF_8));
        }
        // Read on a thread of its own: a helper that waits (a locked keyring) must not hang the build.
        java.util.concurrent.CompletableFuture<byte[]> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readNBytes(64 * 1024);
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out;
        try {
            out = answer.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly();
            throw new LayerException("docker-credential-" + name + " did not answer within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new LayerException("interrupted while asking docker-credential-" + name);
        }
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LayerException("docker-credential-" + name + " did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LayerException("interrupted while asking docker-credential-" + name);
        }
        if (p.exitValue() != 0) {
            // The helper has no login for this host.
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = Json.read(out, "the answer of docker-credential-" + name);
        } catch (Json.JsonException e) {
            // Its text may hold a secret: not repeated.
            throw new LayerException("docker-credential-" + name + " answered something other than JSON");
        }
        String user = JsonRead.text(json, "Username");
        String secret = JsonRead.text(json, "Secret");
        return user == null || secret == null ? Optional.empty() : Optional.of(new Login(user, secret));
    }
}
