package io.nodeimage;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profiles shown in the docs are real: each one loads, with the bundled catalog to extend. */
class DocsExamplesTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL);
    private static final Pattern NAME = Pattern.compile("(?m)^name: (\\S+)");

    @Test
    void everyProfileInTheDocsIsValid(@TempDir Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (String doc : List.of("README.md", "docs/profiles.md")) {
            Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve(doc)));
            while (block.find()) {
                String yaml = block.group(1);
                Matcher name = NAME.matcher(yaml);
                if (yaml.contains("kind: Profile") && name.find()) {
                    Files.writeString(dir.resolve(name.group(1) + ".yaml"), yaml);
                    names.add(name.group(1));
                }
            }
        }
        assertThat(names).contains("site-b200", "site-hopper");
        ProfileSources sources = ProfileSources.withBundledCatalog(dir, dir);
        assertThat(new ProfileResolver(sources).check(names).problems()).isEmpty();
    }

    @Test
    void everyPolicyAndWaiverFileInTheDocsLoads(@TempDir Path dir) throws Exception {
        Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve("docs/policies.md")));
        Pattern certificates = Pattern.compile("trustedCertificates: \\[([^]]*)]");
        int written = 0;
        while (block.find()) {
            String yaml = block.group(1);
            if (yaml.contains("kind: Policy\n") || yaml.contains("kind: Waivers\n")) {
                Matcher name = NAME.matcher(yaml);
                assertThat(name.find()).isTrue();
                Files.writeString(dir.resolve(name.group(1) + ".yaml"), yaml);
                Matcher certs = certificates.matcher(yaml);
                while (certs.find()) {
                    for (String file : certs.group(1).split(",\\s*")) {
                        Files.createDirectories(dir.resolve(file).getParent());
                        Files.writeString(dir.resolve(file), selfSignedPem());
                    }
                }
                written++;
            }
        }
        assertThat(written).isGreaterThanOrEqualTo(2);
        var sets = io.nodeimage.policy.PolicySets.load(dir, dir, "1.0", List.of(), true);
        assertThat(sets.get(0).policies()).hasSize(written);
    }

    /** A certificate for the docs' trustedCertificates, made here: the docs name files, not contents. */
    private static String selfSignedPem() throws Exception {
        var keys = java.security.KeyPairGenerator.getInstance("EC");
        keys.initialize(256);
        var pair = keys.generateKeyPair();
        var name = new org.bouncycastle.asn1.x500.X500Name("CN=docs example");
        var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                new java.util.Date(0), new java.util.Date(4_000_000_000_000L), name, pair.getPublic());
        var holder = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .build(pair.getPrivate()));
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(holder.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Test
    void thePolicyTestInTheDocsHolds(@TempDir Path dir) throws IOException {
        Matcher block = YAML_BLOCK.matcher(Files.readString(RepositoryFiles.root().resolve("docs/policies.md")));
        int written = 0;
        while (block.find()) {
            if (block.group(1).contains("kind: PolicyTest")) {
                Files.writeString(dir.resolve("doc-" + written++ + ".yaml"), block.group(1));
            }
        }
        assertThat(written).isPositive();
        var report = io.nodeimage.policy.PolicyTests.run(dir, dir, io.nodeimage.policy.PolicyLoader.load(null, null, true).policies());
        assertThat(report.failures()).isEmpty();
        assertThat(report.expectations()).isPositive();
    }
}
