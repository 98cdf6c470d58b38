package io.nodeimage.signing;

import java.security.Provider;

/** Bouncy Castle as a provider object, made once and never registered: the JVM's providers stay as they were. */
final class Providers {

    private static Provider bouncyCastle;

    private Providers() {
    }

    static synchronized Provider bouncyCastle() {
        if (bouncyCastle == null) {
            bouncyCastle = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        }
        return bouncyCastle;
    }
}
