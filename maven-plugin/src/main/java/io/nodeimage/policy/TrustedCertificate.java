package io.nodeimage.policy;

import io.nodeimage.Digests;
import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A certificate file a policy trusts for module signatures, as the kernel trusts the keys in its
 * keyrings: PEM (one or more certificates) or DER.
 *
 * @param file the path as the policy writes it, relative to the policy file
 * @param sha256 the digest of the file's bytes
 * @param certificates what the file holds
 */
public record TrustedCertificate(String file, String sha256, List<X509Certificate> certificates) {

    public TrustedCertificate {
        certificates = List.copyOf(certificates);
    }

    /** Reads a PEM or DER file; throws with a message fit for a user when it holds no certificate. */
    public static TrustedCertificate read(String file, byte[] bytes) throws CertificateException {
        Collection<? extends Certificate> read;
        try {
            read = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw new CertificateException("is not a PEM or DER X.509 certificate (" + e.getMessage() + ")", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : read) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("is not a PEM or DER X.509 certificate (it holds none)");
        }
        return new TrustedCertificate(file, Digests.sha256(bytes), out);
    }

    /** SHA-256 of a certificate's DER encoding, lower-case hex: how facts and reports name it. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return Digests.sha256(certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate cannot be encoded", e);
        }
    }

    public List<String> fingerprints() {
        return certificates.stream().map(TrustedCertificate::fingerprint).toList();
    }

    /** Every certificate file the policy's rules trust, read once each, relative to the policy file. */
    static List<TrustedCertificate> readAll(Policy policy, YNode.Mapping doc, PolicyLoader.Neighbours neighbours,
                                            Problems problems) {
        Map<String, TrustedCertificate> out = new TreeMap<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            Policy.ModulesCheck c = policy.rules().get(i).kernelModules();
            if (c == null) {
                continue;
            }
            for (int k = 0; k < c.trustedCertificates().size(); k++) {
                String file = c.trustedCertificates().get(k);
                // The run's site signers are given to each run, not read beside the policy.
                if (out.containsKey(file) || file.equals(SiteSigners.ENTRY) || file.equals(KernelBuiltInKeys.ENTRY)) {
                    continue;
                }
                Location at = YNode.at(doc, "rules", i, "kernelModules", "trustedCertificates", k).map(YNode::location)
                        .orElse(doc.location());
                String path = KeyPath.index(KeyPath.key(KeyPath.key(KeyPath.index("rules", i), "kernelModules"),
                        "trustedCertificates"), k);
                try {
                    Optional<byte[]> bytes = neighbours.read(file);
                    if (bytes.isEmpty()) {
                        problems.add(at, path, "'" + file + "' is not a file beside the policy",
                                "put the certificate (PEM or DER) in the policy's folder and name it relative to the policy");
                        continue;
                    }
                    out.put(file, read(file, bytes.get()));
                } catch (IOException e) {
                    problems.add(at, path, "cannot read '" + file + "': " + e.getMessage(), "");
                } catch (CertificateException e) {
                    problems.add(at, path, "'" + file + "' " + e.getMessage(),
                            "give an X.509 certificate, PEM (-----BEGIN CERTIFICATE-----) or DER");
                }
            }
        }
        return List.copyOf(out.values());
    }
}
