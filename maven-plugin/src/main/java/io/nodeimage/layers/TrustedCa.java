package io.nodeimage.layers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS that trusts the certificates of one CA file (PEM or DER), for a registry whose CA the JDK does not know. */
final class TrustedCa {

    private TrustedCa() {
    }

    static SSLContext context(Path caFile) throws LayerException {
        if (!Files.isRegularFile(caFile)) {
            throw new LayerException("the registry CA file " + caFile + " does not exist");
        }
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new LayerException("the registry CA file " + caFile + " holds no X.509 certificate (PEM or DER): "
                    + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new LayerException("the registry CA file " + caFile + " holds no X.509 certificate (PEM or DER)");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new LayerException("the registry CA file " + caFile + " cannot be used for TLS: " + e.getMessage());
        }
    }
}
