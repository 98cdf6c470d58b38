package io.nodeimage.profile;

import static io.nodeimage.profile.ProfileFixtures.MINIMAL_BODY;
import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.plan.Plan;
import io.nodeimage.plan.Planner;
import io.nodeimage.plan.Step;
import io.nodeimage.render.ProvisionScript;
import io.nodeimage.support.TestCa;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustCertificatesTest {

    private static final TestCa CA = TestCa.create("Site Root CA");
    private static final TestCa OTHER = TestCa.create("Site Issuing CA");

    @TempDir
    Path project;

    private static String indented(String pem) {
        return pem.lines().map(l -> "          " + l).reduce("", (a, b) -> a + b + "\n");
    }

    private static String trust(String name, String pem) {
        return "trust:\n  certificates:\n    - name: " + name + "\n      pem: |\n" + indented(pem);
    }

    private Plan plan(String body) {
        ResolvedProfile resolved = new ProfileFixtures(project).profile("node", body).resolve("node");
        return new Planner(Map.of()).plan(resolved.profile());
    }

    @Test
    void aPemThatIsNotACertificateIsRefusedAtItsLine() {
        String broken = "-----BEGIN CERTIFICATE-----\nMIIBnotacertificateatall\n-----END CERTIFICATE-----\n";
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY + trust("site-root", broken))
                .problems("node")).singleElement().asString()
                .startsWith("profiles/node.yaml:9:12: trust.certificates[0].pem: 'site-root' is not PEM certificates: "
                        + "certificate 1 does not parse as X.509")
                .contains("-----BEGIN CERTIFICATE----- blocks and nothing else");
    }

    @Test
    void textBesideTheCertificatesIsRefused() {
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY
                        + trust("site-root", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n" + CA.pem()))
                .problems("node")).singleElement().asString()
                .contains("trust.certificates[0].pem: 'site-root' is not PEM certificates: "
                        + "'-----BEGIN PRIVATE KEY-----' comes before the first certificate");
        assertThat(new ProfileFixtures(project).profile("node", MINIMAL_BODY + trust("site-root", "hello\n"))
                .problems("node")).singleElement().asString().contains("comes before the first certificate");
    }

    @Test
    void aNameGivenTwiceIsRefused() {
        String body = MINIMAL_BODY + "trust:\n  certificates:\n"
                + "    - {name: site-root, pem: " + io.nodeimage.yaml.Json.quote(CA.pem()) + "}\n"
                + "    - {name: site-root, pem: " + io.nodeimage.yaml.Json.quote(OTHER.pem()) + "}\n";
        assertThat(new ProfileFixtures(project).profile("node", body).problems("node")).singleElement().asString()
                .contains("trust.certificates[1].name: 'site-root' appears twice");
    }

    @Test
    void certificatesAreInheritedAndAppendedWithKeyPlus() {
        ProfileFixtures fixtures = new ProfileFixtures(project)
                .profile("base", MINIMAL_BODY + "abstract: true\n" + trust("site-root", CA.pem()))
                .profile("node", "extends: base\ntrust:\n  certificates+:\n    - name: issuing\n      pem: |\n"
                        + indented(OTHER.pem()));
        assertThat(fixtures.problems("node")).isEmpty();
        assertThat(fixtures.resolve("node").profile().trust().certificates()).extracting(Profile.Certificate::name)
                .containsExactly("site-root", "issuing");
    }

    @Test
    void certificatesAreTrustedBeforeAnyRepositoryIsUsed() {
        Plan plan = plan(MINIMAL_BODY + """
                repositories:
                  - {name: site, url: "https://mirror.example/apt", key: "https://mirror.example/key.gpg", suite: noble, components: [main]}
                """ + trust("site-root", CA.pem()));
        List<Step> steps = plan.steps();
        assertThat(steps.get(0)).isEqualTo(new Step.TrustCertificate("site-root", CA.pem(),
                "trust.certificates.site-root"));
        assertThat(steps.get(1)).isInstanceOf(Step.AddRepository.class);

        String script = ProvisionScript.render(plan);
        assertThat(script.indexOf("phase_trust() {")).isLessThan(script.indexOf("phase_repositories() {"));
        assertThat(script).contains("    set -- trust repositories packages ")
                .contains("  write_file /usr/local/share/ca-certificates/site-root.crt 0644 root root "
                        + "'-----BEGIN CERTIFICATE-----\n")
                .contains("  update-ca-certificates\n")
                .contains("    apt-get install -y --no-install-recommends ca-certificates\n");
    }

    @Test
    void rhelWritesAnAnchorAndExtractsTheTrustStore() {
        String script = ProvisionScript.render(plan("""
                os: {family: rhel, release: "9.6", arch: x86_64}
                base: {image: "registry.example/ubi9:9.6"}
                """ + trust("site-root", CA.pem())));
        assertThat(script).contains("  write_file /etc/pki/ca-trust/source/anchors/site-root.pem 0644 root root ")
                .contains("  update-ca-trust extract\n")
                .doesNotContain("update-ca-certificates");
    }

    @Test
    void aBundleBecomesOneFilePerCertificate() {
        Plan plan = plan(MINIMAL_BODY + trust("site", CA.pem() + "\n" + OTHER.pem()));
        assertThat(plan.steps(Step.TrustCertificate.class)).extracting(Step.TrustCertificate::fileName, Step.TrustCertificate::pem)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("site-1", CA.pem()),
                        org.assertj.core.groups.Tuple.tuple("site-2", OTHER.pem()));
    }

    @Test
    void aProfileWithoutTrustHasAnEmptyPhase() {
        assertThat(ProvisionScript.render(plan(MINIMAL_BODY)))
                .contains("phase_trust() {\n  : # nothing in this profile\n}\n");
    }

    @Test
    void theTrustPhasePassesShellcheckOnEveryFamily() throws Exception {
        io.nodeimage.support.ExternalTool.require("shellcheck");
        String bundle = trust("site", CA.pem() + OTHER.pem());
        for (String os : List.of(MINIMAL_BODY, """
                os: {family: rhel, release: "9.6", arch: x86_64}
                base: {image: "registry.example/ubi9:9.6"}
                """)) {
            java.nio.file.Files.writeString(project.resolve("provision.sh"), ProvisionScript.render(plan(os + bundle)));
            var check = io.nodeimage.support.ExternalTool.run(project, "shellcheck", "--severity=style", "provision.sh");
            assertThat(check.exitCode()).as(check.output()).isZero();
        }
    }

    @Test
    void theBlueprintCarriesTheCertificatesAsImageBuilderCacerts() {
        ResolvedProfile resolved = new ProfileFixtures(project).profile("node", """
                os: {family: rhel, release: "9.6", arch: x86_64}
                base: {image: "registry.example/ubi9:9.6"}
                outputs: [blueprint]
                """ + trust("site", CA.pem() + OTHER.pem())).resolve("node");
        String blueprint = new io.nodeimage.render.Renderer(Map.of(), false).render(resolved).get("blueprint.toml");
        assertThat(blueprint).contains("[customizations.cacerts]\npem_certs = [\"-----BEGIN CERTIFICATE-----\\n")
                .contains("\\n-----END CERTIFICATE-----\\n\", \"-----BEGIN CERTIFICATE-----\\n");
    }
}
