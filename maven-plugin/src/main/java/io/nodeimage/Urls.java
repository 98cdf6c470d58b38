package io.nodeimage;

/** URLs as nodeimage may show or publish them (logs, errors, image labels, certificates). */
public final class Urls {

    private Urls() {
    }

    /** Drops a user name or token written into a URL (https://user:token@host/...): never printed, never published. */
    public static String withoutCredentials(String url) {
        return url == null ? null : url.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
    }
}
