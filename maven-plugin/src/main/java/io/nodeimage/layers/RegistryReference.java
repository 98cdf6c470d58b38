package io.nodeimage.layers;

/**
 * An image in a registry, as {@code docker://} references name it (skopeo's and crane's syntax):
 * {@code [host[:port]/]repository[:tag][@digest]}. Without a host it is Docker Hub's, as the engine
 * reads such names ({@code debian} is {@code docker.io/library/debian:latest}).
 *
 * @param reference the tag or digest asked for (a digest wins over a tag given with it)
 */
public record RegistryReference(String host, String repository, String reference) {

    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final String DOCKER_HUB = "docker.io";

    public static RegistryReference parse(String text) throws LayerException {
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digest.valid(digest)) {
                throw new LayerException("'" + text + "': '" + digest + "' is not a sha256 or sha512 digest");
            }
        }
        String host = DOCKER_HUB;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                host = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = "latest";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!tag.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")) {
                throw new LayerException("'" + text + "': '" + tag + "' is not a tag");
            }
        }
        if (!rest.matches(COMPONENT + "(?:/" + COMPONENT + ")*") || !host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](:[0-9]{1,5})?")) {
            throw new LayerException("'" + text + "' is not an image reference: write [host[:port]/]repository[:tag][@sha256:...]");
        }
        if (host.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new RegistryReference(host, rest, digest != null ? digest : tag);
    }

    /** The host the registry API answers at (Docker Hub's API is not at docker.io itself). */
    String apiHost() {
        return host.equals(DOCKER_HUB) ? "registry-1.docker.io" : host;
    }

    /** Whether the host is this machine: plain HTTP is allowed there, as engines allow it. */
    boolean loopback() {
        String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1) : host.replaceFirst(":[0-9]+$", "");
        return h.equals("localhost") || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}") || h.equals("[::1]");
    }

    boolean byDigest() {
        return reference.contains(":");
    }

    @Override
    public String toString() {
        return host + "/" + repository + (byDigest() ? "@" : ":") + reference;
    }
}
