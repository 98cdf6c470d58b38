package io.nodeimage.policy;

import io.nodeimage.ConfigurationException;
import io.nodeimage.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The certificates a site's nodes trust for module signatures (the distribution's kernel module signing
 * certificate, the Machine Owner Keys enrolled for DKMS modules), given to a run rather than written into
 * a policy: a bundled or shared policy cannot know them, and a security team should not copy a policy to
 * add its keys. A rule names them with the reserved {@code trustedCertificates} entry {@link #ENTRY}.
 *
 * @param files the files, in path order whatever order they were given in, so records are the same bytes
 */
public record SiteSigners(List<TrustedCertificate> files) {

    /** The {@code trustedCertificates} entry that stands for the run's site signers. */
    public static final String ENTRY = "site:module-signers";

    /** The Maven property (and parameter {@code trustedModuleSigners}) that gives them. */
    public static final String PROPERTY = "nodeimage.trustedModuleSigners";

    /** None given. */
    public static final SiteSigners NONE = new SiteSigners(List.of());

    public SiteSigners {
        files = files.stream().sorted(Comparator.comparing(TrustedCertificate::file)).toList();
    }

    /** Whether a rule trusts the site signers. */
    public static boolean named(Policy.ModulesCheck check) {
        return check.trustedCertificates().contains(ENTRY);
    }

    /** What to do when a rule names the site signers and a run has none: said wherever it is reported. */
    static String howToGive() {
        return "pass the certificates your nodes trust for module signatures (the distribution's kernel module "
                + "signing certificate, your Machine Owner Key) with " + PROPERTY
                + " (-D" + PROPERTY + "=certs/distro-modules.pem,certs/site-mok.pem; the CLI's --trusted-module-signers)";
    }

    /**
     * Reads each file (PEM with one or more certificates, or DER).
     *
     * @param files the files as given; read as they are (absolute, or relative to the working directory)
     * @param shownFrom paths in messages and records are shown relative to this folder (the project's)
     * @param parameter how the user gave them, for messages: {@code nodeimage.trustedModuleSigners}, {@code --trusted-module-signers}
     * @throws ConfigurationException naming the file, when one is missing, unreadable or holds no certificate
     */
    public static SiteSigners read(List<Path> files, Path shownFrom, String parameter) {
        TreeMap<String, TrustedCertificate> out = new TreeMap<>();
        for (Path file : files) {
            String shown = io.nodeimage.yaml.SourceFiles.shown(file, shownFrom);
            if (!Files.isRegularFile(file)) {
                throw new ConfigurationException(parameter + ": " + shown + " is not a file",
                        "name PEM or DER certificate files, comma-separated"
                                + (shownFrom == null ? "" : ", relative to " + shownFrom));
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ConfigurationException(parameter + ": " + shown + " cannot be read (" + e.getMessage() + ")",
                        "make the file readable to the user running nodeimage");
            }
            try {
                out.put(shown, TrustedCertificate.read(shown, bytes));
            } catch (CertificateException e) {
                throw new ConfigurationException(parameter + ": " + shown + " " + e.getMessage(),
                        "give X.509 certificates, PEM (-----BEGIN CERTIFICATE-----) or DER: for a MOK, the .der "
                                + "file given to mokutil --import");
            }
        }
        return new SiteSigners(List.copyOf(out.values()));
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    /** Every certificate of every file. */
    public List<X509Certificate> certificates() {
        List<X509Certificate> out = new ArrayList<>();
        files.forEach(f -> out.addAll(f.certificates()));
        return out;
    }

    /** SHA-256 fingerprints of every certificate: how verified signatures name the certificate that verified them. */
    public Set<String> fingerprints() {
        Set<String> out = new LinkedHashSet<>();
        files.forEach(f -> out.addAll(f.fingerprints()));
        return out;
    }

    /** SHA-256 over "digest  file" lines in file order, as a policy set's digest is made. */
    public String digest() {
        StringBuilder lines = new StringBuilder();
        files.forEach(f -> lines.append(f.sha256()).append("  ").append(f.file()).append('\n'));
        return Digests.sha256(lines.toString());
    }
}
