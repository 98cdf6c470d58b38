package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.nodeimage.ViolationException;
import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.KmodCrossCheck;
import io.nodeimage.policy.Policy;
import io.nodeimage.policy.PolicySet;
import io.nodeimage.policy.ProfilePolicy;
import io.nodeimage.policy.Waivers;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.Certifier;
import io.nodeimage.provenance.Inputs;
import io.nodeimage.yaml.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile's own rules go where every policy's go: the verdict, the violation message, report.json,
 * junit.xml, report.sarif, summary.md and verification.json; certify binds them like any other set.
 */
class ProfilePolicyReportsTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);
    static final String SETTING = "profile:sysctl/net.ipv4.conf.all.accept_redirects";

    private static ResolvedProfile siteNode(Path project) throws Exception {
        Path profiles = Files.createDirectories(project.resolve("src/main/nodeimage/profiles"));
        Files.writeString(profiles.resolve("site-node.yaml"), """
                apiVersion: nodeimage/v1
                kind: Profile
                name: site-node
                extends: debian-12-demo
                files:
                  - {path: /opt/site/agent.conf, mode: "0600", content: "interval=30\\n"}
                """);
        return new ProfileResolver(ProfileSources.withBundledCatalog(profiles, project)).resolve("site-node");
    }

    /** The demo image as built; a site file that sorts after nodeimage's sysctl file when {@code redirects} is set. */
    private static Facts image(String redirects) {
        Map<String, Facts.Setting> sysctl = new java.util.TreeMap<>();
        for (String[] s : new String[][] {{"kernel.kptr_restrict", "2"}, {"kernel.dmesg_restrict", "1"},
                {"kernel.unprivileged_bpf_disabled", "1"}, {"fs.suid_dumpable", "0"},
                {"net.ipv4.conf.all.accept_redirects", "0"}}) {
            sysctl.put(s[0], new Facts.Setting(s[1], "/etc/sysctl.d/60-nodeimage.conf"));
        }
        if (redirects != null) {
            sysctl.put("net.ipv4.conf.all.accept_redirects", new Facts.Setting(redirects, "/etc/sysctl.d/99-site.conf"));
        }
        return new Facts("it/site-node:1.0", "sha256:" + "ab".repeat(32), Map.of("ID", "debian", "VERSION_ID", "12"),
                "amd64", List.of(), List.of(), List.of(), List.of(), List.of(), sysctl,
                List.of(new Facts.Package("ca-certificates", "20230311", "all"), new Facts.Package("kmod", "30+20221128-1", "amd64"),
                        new Facts.Package("procps", "2:4.0.2-3", "amd64")),
                List.of(), List.of(), List.of(), List.of(),
                List.of(new Facts.FileEntry("/opt/site/agent.conf", "file", "0600", 0, 0, "root", "root", 12, null)), List.of());
    }

    private static VerifyService service(ResolvedProfile p) {
        return new VerifyService(List.of(), new VerifyService.Settings(Policy.Severity.HIGH, DAY, false,
                Waivers.Limits.NONE, null)).with(ProfilePolicy.set(p));
    }

    @Test
    void aLostSettingFailsVerifyAndEveryReportNamesItsProfileKey(@TempDir Path project) throws Exception {
        ResolvedProfile p = siteNode(project);
        VerifyService service = service(p);
        Path out = project.resolve("target/nodeimage/site-node");
        VerifyService.Outcome o = service.write(service.judge(image("1"), p.profile(), KmodCrossCheck.Result.skipped("off")),
                p.profile(), Inputs.profileDigest(p), out);

        assertThat(o.verdict().passed()).isFalse();
        assertThat(o.verdict().blocking()).extracting(r -> r.ruleId()).containsExactly(SETTING);
        String location = "nodeimage-profiles:nodeimage/profiles/debian-12-demo.yaml:21:39";
        assertThatThrownBy(() -> VerifyService.requirePassed(List.of(o))).isInstanceOf(ViolationException.class)
                .hasMessageContaining("it/site-node:1.0: " + SETTING + " (high, profile at " + location
                        + "): net.ipv4.conf.all.accept_redirects is 1, not 0");

        JsonNode report = Json.read(out.resolve("report.json"), "report.json");
        List<String> failed = new ArrayList<>();
        report.get("results").forEach(r -> {
            if (r.get("status").asText().equals("fail")) {
                failed.add(r.get("policy").asText() + " " + r.get("rule").asText() + " " + r.get("location").asText());
            }
        });
        assertThat(failed).containsExactly("profile " + SETTING + " " + location);
        assertThat(Files.readString(out.resolve("junit.xml"))).contains(SETTING + ": net.ipv4.conf.all.accept_redirects is 0, "
                + "as sysctl asks");
        JsonNode run = Json.read(out.resolve("report.sarif"), "report.sarif").get("runs").get(0);
        JsonNode result = run.get("results").get(0);
        assertThat(result.get("ruleId").asText()).isEqualTo(SETTING);
        // In the image: the file that undid it; in the profile: the line that asked for it.
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("etc/sysctl.d/99-site.conf");
        assertThat(result.at("/relatedLocations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo("debian-12-demo.yaml");
        assertThat(result.at("/relatedLocations/0/physicalLocation/artifactLocation/uriBaseId").asText()).isEqualTo("NODEIMAGE_PROFILES");
        assertThat(run.at("/originalUriBaseIds/NODEIMAGE_PROFILES/description/text").asText())
                .startsWith("the bundled profile catalog: nodeimage/profiles/ in io.nodeimage:nodeimage-profiles:");
        String summary = Files.readString(out.resolve("summary.md"));
        assertThat(summary).contains("| " + SETTING + " | high | fail |");
        assertThat(summary).containsPattern("- profile [0-9a-f]{12} \\(src/main/nodeimage/profiles/site-node\\.yaml\\)");

        Verification v = Verification.read(out.resolve(VerifyService.RECORD), "verification.json");
        assertThat(v.policySets()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("profile");
            assertThat(s.version()).isEqualTo("site-node");
            assertThat(s.policies()).singleElement().satisfies(pr ->
                    assertThat(pr.file()).isEqualTo("src/main/nodeimage/profiles/site-node.yaml"));
        });
        assertThat(v.results()).filteredOn(r -> r.policy().equals("profile")).hasSize(11);
    }

    @Test
    void certifyBindsTheProfilesRulesLikeAnyOtherSet(@TempDir Path project) throws Exception {
        ResolvedProfile p = siteNode(project);
        Path out = project.resolve("target/nodeimage/site-node");
        VerifyService service = service(p);
        VerifyService.Outcome o = service.write(service.judge(image(null), p.profile(), KmodCrossCheck.Result.skipped("off")),
                p.profile(), Inputs.profileDigest(p), out);
        assertThat(o.verdict().passed()).isTrue();
        String imageId = o.verdict().imageId();
        Certifier.Certificate c = Certifier.certify(out, "out", new Certifier.Current(imageId, Inputs.profileDigest(p),
                p.sources(), List.of(ProfilePolicy.set(p)), Optional.empty(), DAY), true);
        assertThat(Files.readString(c.statement())).contains("\"rule\": \"" + SETTING + "\"");
        // Certified without the profile's rules (nodeimage.verify.profilePolicy=false at certify only): refused.
        List<PolicySet> without = List.of();
        assertThatThrownBy(() -> Certifier.certify(out, "out", new Certifier.Current(imageId, Inputs.profileDigest(p),
                p.sources(), without, Optional.empty(), DAY), true)).isInstanceOf(ViolationException.class)
                .hasMessageContaining("policy set profile is no longer used");
    }
}
