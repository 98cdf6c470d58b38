package io.nodeimage.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image judged against the profile it was built from: each setting the image's files show is a rule. */
class ProfilePolicyTest {

    static final LocalDate DAY = LocalDate.of(2026, 11, 27);

    static final String BASE = """
            apiVersion: nodeimage/v1
            kind: Profile
            name: site-base
            abstract: true
            os: {family: debian, release: "12", arch: x86_64}
            base: {image: "debian:12"}
            packages:
              install: [ca-certificates, kmod]
              remove: [tzdata]
            sysctl:
              kernel.kptr_restrict: 2
            """;

    static final String NODE = """
            apiVersion: nodeimage/v1
            kind: Profile
            name: site-node
            extends: site-base
            kernel:
              cmdline: [iommu=pt]
              modules:
                disable: [nouveau]
            packages:
              install+: [procps]
              pins: {procps: "2:4.0.2*"}
            sysctl:
              net.ipv4.ip_forward: 1
            services:
              enable: [chrony]
              mask: [debug-shell.service]
            files:
              - {path: /etc/site/motd, mode: "0640", owner: root, group: adm, content: "hi\\n"}
            """;

    private static ResolvedProfile resolve(Path dir, String name, String base, String node) throws IOException {
        Path profiles = Files.createDirectories(dir.resolve("profiles"));
        Files.writeString(profiles.resolve("site-base.yaml"), base);
        Files.writeString(profiles.resolve("site-node.yaml"), node);
        return new ProfileResolver(new ProfileSources(profiles, dir, null)).resolve(name);
    }

    /** An image as the build made it: every setting of site-node is there. */
    private static Facts built(Map<String, Facts.Setting> sysctl, List<Facts.Package> packages, List<String> enabled,
                               List<Facts.CmdlineSource> cmdline, Facts.FileEntry motd) {
        return new Facts("it/site-node:1", "sha256:00", Map.of("ID", "debian", "VERSION_ID", "12"), "amd64", List.of(),
                List.of(), List.of(), List.of(), cmdline, sysctl, packages, enabled, List.of("debug-shell.service"),
                List.of(), List.of(), List.of(motd), List.of());
    }

    private static final List<Facts.Package> PACKAGES = List.of(new Facts.Package("ca-certificates", "20230311", "all"),
            new Facts.Package("kmod", "30+20221128-1", "amd64"), new Facts.Package("procps", "2:4.0.2-3", "amd64"));
    private static final Map<String, Facts.Setting> SYSCTL = Map.of(
            "kernel.kptr_restrict", new Facts.Setting("2", "/etc/sysctl.d/60-nodeimage.conf"),
            "net.ipv4.ip_forward", new Facts.Setting("1", "/etc/sysctl.d/60-nodeimage.conf"));
    private static final List<Facts.CmdlineSource> GRUB = List.of(new Facts.CmdlineSource(
            "/etc/default/grub.d/50-nodeimage.cfg", "GRUB_CMDLINE_LINUX=\"${GRUB_CMDLINE_LINUX:-} iommu=pt\"\n"));
    private static final Facts.FileEntry MOTD = new Facts.FileEntry("/etc/site/motd", "file", "0640", 0, 4, "root", "adm",
            3, null);

    private static Map<String, RuleResult> judge(LoadedPolicy policy, Facts facts, LoadedPolicy... more) {
        List<LoadedPolicy> all = new java.util.ArrayList<>(List.of(policy));
        all.addAll(List.of(more));
        return new Evaluator(DAY).evaluate(all, facts, new Evaluator.Target("site-node", "debian", "12", "x86_64")).stream()
                .collect(Collectors.toMap(RuleResult::ruleId, r -> r, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void everySettingTheImageCanShowIsARuleNamedByItsProfileKey(@TempDir Path dir) throws IOException {
        LoadedPolicy policy = ProfilePolicy.of(resolve(dir, "site-node", BASE, NODE));
        assertThat(policy.policy().name()).isEqualTo("profile");
        assertThat(policy.file()).isEqualTo("profiles/site-node.yaml");
        assertThat(policy.policy().rules()).extracting(Policy.Rule::id).containsExactly(
                "profile:packages.install/ca-certificates", "profile:packages.install/kmod",
                "profile:packages.install/procps", "profile:packages.remove/tzdata",
                "profile:kernel.modules.disable/nouveau", "profile:kernel.cmdline/iommu=pt",
                "profile:sysctl/kernel.kptr_restrict", "profile:sysctl/net.ipv4.ip_forward",
                "profile:services.enable/chrony", "profile:services.mask/debug-shell.service",
                "profile:files/etc/site/motd");
        assertThat(policy.policy().rules()).extracting(Policy.Rule::severity).containsOnly(Policy.Severity.HIGH);
        Policy.Rule procps = policy.policy().rules().get(2);
        assertThat(procps.packageState().version()).isEqualTo("=2:4.0.2*");
        assertThat(procps.title()).isEqualTo("procps is installed at version 2:4.0.2*, as packages.install asks");
        Policy.Rule motd = policy.policy().rules().get(10);
        assertThat(motd.file()).isEqualTo(new Policy.FileCheck("/etc/site/motd", Policy.FileState.PRESENT, "0640", "root", "adm"));
        // Each rule is located where its value was written: inherited ones in the parent's file.
        assertThat(policy.ruleLocations().get("profile:sysctl/kernel.kptr_restrict").toString())
                .isEqualTo("profiles/site-base.yaml:11:25");
        assertThat(policy.ruleLocations().get("profile:packages.install/procps").toString())
                .isEqualTo("profiles/site-node.yaml:10:14");
        assertThat(policy.ruleLocations().get("profile:files/etc/site/motd").toString())
                .isEqualTo("profiles/site-node.yaml:18:12");
        assertThat(policy.policy().rules().get(6).references()).extracting(Policy.Reference::id)
                .containsExactly("profile site-node, sysctl at profiles/site-base.yaml:11");
    }

    @Test
    void theImageTheProfileDescribesPassesAndAModuleRuleWaitsForAKernel(@TempDir Path dir) throws IOException {
        LoadedPolicy policy = ProfilePolicy.of(resolve(dir, "site-node", BASE, NODE));
        Map<String, RuleResult> results = judge(policy, built(SYSCTL, PACKAGES, List.of("chrony.service"), GRUB, MOTD));
        results.values().forEach(r -> assertThat(r.status()).as(r.ruleId() + ": " + r.message()).isIn(
                RuleResult.Status.PASS, RuleResult.Status.NOT_APPLICABLE));
        assertThat(results.get("profile:kernel.modules.disable/nouveau").status())
                .isEqualTo(RuleResult.Status.NOT_APPLICABLE);
        assertThat(results.values().stream().filter(r -> r.status() == RuleResult.Status.PASS)).hasSize(10);
    }

    @Test
    void anImageThatLostSettingsFailsNamingEachProfileKeyAndWhereItWasWritten(@TempDir Path dir) throws IOException {
        LoadedPolicy policy = ProfilePolicy.of(resolve(dir, "site-node", BASE, NODE));
        // A later file undid the forwarding, the removal did not happen, an older procps, chrony never
        // enabled, no kernel argument, the file world-readable and root's group.
        Facts lost = built(Map.of("kernel.kptr_restrict", new Facts.Setting("2", "/etc/sysctl.d/60-nodeimage.conf"),
                        "net.ipv4.ip_forward", new Facts.Setting("0", "/etc/sysctl.d/99-site.conf")),
                List.of(PACKAGES.get(0), PACKAGES.get(1), new Facts.Package("procps", "2:3.3.17-7", "amd64"),
                        new Facts.Package("tzdata", "2024a-0+deb12u1", "all")),
                List.of(), List.of(), new Facts.FileEntry("/etc/site/motd", "file", "0644", 0, 0, "root", "root", 3, null));
        Map<String, RuleResult> results = judge(policy, lost);
        Map<String, String> failed = new LinkedHashMap<>();
        results.values().stream().filter(r -> r.status() == RuleResult.Status.FAIL).forEach(r -> failed.put(r.ruleId(), r.message()));
        assertThat(failed).containsExactly(
                Map.entry("profile:packages.install/procps", "procps 2:3.3.17-7 is outside =2:4.0.2*"),
                Map.entry("profile:packages.remove/tzdata", "tzdata 2024a-0+deb12u1 is installed"),
                Map.entry("profile:kernel.cmdline/iommu=pt", "kernel argument iommu=pt is set nowhere a boot reads it"),
                Map.entry("profile:sysctl/net.ipv4.ip_forward", "net.ipv4.ip_forward is 0, not 1"),
                Map.entry("profile:services.enable/chrony", "chrony.service is not enabled"),
                Map.entry("profile:files/etc/site/motd", "/etc/site/motd: mode 0644 allows more than 0640; group is root, not adm"));
        RuleResult forwarding = results.get("profile:sysctl/net.ipv4.ip_forward");
        assertThat(forwarding.imagePath()).isEqualTo("/etc/sysctl.d/99-site.conf");
        assertThat(forwarding.location().toString()).isEqualTo("profiles/site-node.yaml:13:24");
        assertThat(forwarding.fullId()).isEqualTo("profile:sysctl/net.ipv4.ip_forward");
    }

    @Test
    void aWaiverFileWaivesAProfileRuleByItsIdAndOtherPoliciesMayNotTakeTheName(@TempDir Path dir) throws IOException {
        LoadedPolicy policy = ProfilePolicy.of(resolve(dir, "site-node", BASE, NODE));
        String waivers = """
                apiVersion: nodeimage/v1
                kind: Waivers
                name: site-waivers
                waivers:
                  - {rule: "profile:sysctl/net.ipv4.ip_forward", profiles: [site-node], reason: routed by the host, expires: 2027-01-31, approvedBy: secops}
                  - {rule: "profile:files/etc/site/motd", reason: not asked for by this profile, expires: 2027-01-31, approvedBy: secops}
                """;
        Problems problems = new Problems();
        LoadedPolicy file = PolicyLoader.load(SafeYaml.parse(waivers.getBytes(StandardCharsets.UTF_8), "site-waivers.yaml"),
                "site-waivers.yaml", "site-waivers", problems).orElseThrow();
        assertThat(problems.list()).isEmpty();
        // Their rules are made per image: the run's cross-check cannot miss them, and does not flag them.
        PolicySet project = new PolicySet(PolicySets.PROJECT, "1.0", null, List.of(file));
        assertThat(PolicySets.crossCheck(List.of(project), true)).isEmpty();

        Facts lost = built(Map.of("kernel.kptr_restrict", new Facts.Setting("2", "/etc/sysctl.d/60-nodeimage.conf"),
                "net.ipv4.ip_forward", new Facts.Setting("0", "/etc/sysctl.d/99-site.conf")), PACKAGES,
                List.of("chrony.service"), GRUB, MOTD);
        Evaluator.Evaluation e = new Evaluator(DAY).judge(List.of(policy, file), lost,
                new Evaluator.Target("site-node", "debian", "12", "x86_64"));
        RuleResult forwarding = e.results().stream().filter(r -> r.ruleId().equals("profile:sysctl/net.ipv4.ip_forward"))
                .findFirst().orElseThrow();
        assertThat(forwarding.status()).isEqualTo(RuleResult.Status.WAIVED);
        assertThat(forwarding.message()).endsWith("waived until 2027-01-31 by secops: routed by the host");
        assertThat(e.unusedWaivers()).singleElement().satisfies(u -> {
            assertThat(u.entry().rule()).isEqualTo("profile:files/etc/site/motd");
            assertThat(u.reason()).isEqualTo("the rule passes");
        });

        String named = "apiVersion: nodeimage/v1\nkind: Policy\nname: profile\nversion: 1.0.0\n"
                + "rules: [{id: P1, severity: low, package: {name: telnet, state: absent}}]\n";
        LoadedPolicy taken = PolicyLoader.load(SafeYaml.parse(named.getBytes(StandardCharsets.UTF_8), "profile.yaml"),
                "profile.yaml", "profile", new Problems()).orElseThrow();
        assertThat(PolicySets.crossCheck(List.of(new PolicySet(PolicySets.PROJECT, "1.0", null, List.of(taken))), true))
                .extracting(Problem::format).singleElement().asString()
                .contains("policy name 'profile' is the name of the rules verify makes from each image's own profile");
    }

    @Test
    void theDigestFollowsTheRulesNotTheLinesTheyAreOn(@TempDir Path dir) throws IOException {
        LoadedPolicy policy = ProfilePolicy.of(resolve(dir.resolve("a"), "site-node", BASE, NODE));
        LoadedPolicy commented = ProfilePolicy.of(resolve(dir.resolve("b"), "site-node", "# a comment\n" + BASE, NODE));
        LoadedPolicy changed = ProfilePolicy.of(resolve(dir.resolve("c"), "site-node",
                BASE.replace("kernel.kptr_restrict: 2", "kernel.kptr_restrict: 1"), NODE));
        assertThat(commented.ruleLocations().get("profile:sysctl/kernel.kptr_restrict").line())
                .isEqualTo(policy.ruleLocations().get("profile:sysctl/kernel.kptr_restrict").line() + 1);
        assertThat(commented.digest()).isEqualTo(policy.digest());
        assertThat(commented.policy().version()).isEqualTo(policy.policy().version()).hasSize(12);
        assertThat(changed.digest()).isNotEqualTo(policy.digest());
        PolicySet set = ProfilePolicy.set(resolve(dir.resolve("a"), "site-node", BASE, NODE));
        assertThat(set.name()).isEqualTo("profile");
        assertThat(set.version()).isEqualTo("site-node");
        assertThat(set.digest()).isEqualTo(ProfilePolicy.set(resolve(dir.resolve("b"), "site-node", "# a comment\n" + BASE,
                NODE)).digest());
    }

    @Test
    void theDriverIsJudgedByItsFlavourAndBranchWhereTheImageHasAKernel(@TempDir Path dir) {
        ResolvedProfile hopper = new ProfileResolver(ProfileSources.withBundledCatalog(dir, dir))
                .resolve("ubuntu-24.04-nvidia-hopper");
        LoadedPolicy policy = ProfilePolicy.of(hopper);
        Policy.Rule driver = policy.policy().rules().stream().filter(r -> r.driver() != null).findFirst().orElseThrow();
        assertThat(driver.id()).isEqualTo("profile:accelerators.driver/nvidia");
        assertThat(driver.driver()).isEqualTo(new Policy.DriverCheck("nvidia", ">=580,<581", "open", null));
        assertThat(policy.ruleLocations().get(driver.id()).file())
                .isEqualTo("nodeimage-profiles:nodeimage/profiles/ubuntu-24.04-nvidia-hopper.yaml");
        // Inherited keys come along: the base's services and sysctl values.
        assertThat(policy.policy().rules()).extracting(Policy.Rule::id).contains("profile:services.enable/auditd",
                "profile:sysctl/net.ipv4.conf.all.send_redirects", "profile:kernel.cmdline/iommu=pt");
        Evaluator.Target target = new Evaluator.Target("ubuntu-24.04-nvidia-hopper", "ubuntu", "24.04", "x86_64",
                List.of("nvidia"));
        String kver = "6.8.0-1017-nvidia";
        Facts.KernelTree tree = new Facts.KernelTree(kver, "/usr/lib/modules/" + kver, List.of(), List.of(), List.of(), Map.of());
        for (String[] c : new String[][] {{"580.95.05", "open", "pass"}, {"570.195.03", "open", "fail"},
                {"580.95.05", "proprietary", "fail"}}) {
            Facts f = new Facts("img", "sha256:00", Map.of("ID", "ubuntu", "VERSION_ID", "24.04"), "amd64", List.of(tree),
                    List.of(), List.of(), List.of(), List.of(), Map.of(), List.of(), List.of(), List.of(), List.of(),
                    List.of(new Facts.Driver("nvidia", "/usr/lib/modules/" + kver + "/nvidia.ko", kver, c[0], null, c[1], true)),
                    List.of(), List.of());
            RuleResult r = new Evaluator(DAY).evaluate(List.of(new LoadedPolicy(new Policy("nodeimage/v1", "Policy",
                    "profile", "1", null, null, List.of(driver), List.of()), "x", "", policy.ruleLocations(), Map.of())), f, target)
                    .get(0);
            assertThat(r.status().yamlName()).as(String.join(" ", c) + ": " + r.message()).isEqualTo(c[2]);
        }
    }

    @Test
    void theRubinProfilesPlatformKeysAreRulesAndFeatures(@TempDir Path dir) {
        ProfileSources sources = ProfileSources.withBundledCatalog(dir, dir);
        ResolvedProfile rubin = new ProfileResolver(sources).resolve("ubuntu-24.04-nvidia-vera-rubin");
        Map<String, Policy.Rule> rules = ProfilePolicy.of(rubin).policy().rules().stream()
                .collect(Collectors.toMap(Policy.Rule::id, r -> r, (a, b) -> a, LinkedHashMap::new));
        assertThat(rules.get("profile:platform.hmm/disabled").moduleParameter())
                .isEqualTo(new Policy.ModuleParameterCheck("nvidia_uvm", "uvm_disable_hmm", "Y", null));
        assertThat(rules.get("profile:platform.numaBalancing/disabled").numaBalancing())
                .isEqualTo(new Policy.ModeCheck(Policy.Mode.DISABLED));
        assertThat(rules.get("profile:platform.nestedVirtualization/false").nestedVirtualization())
                .isEqualTo(new Policy.ModeCheck(Policy.Mode.DISABLED));
        assertThat(ProfilePolicy.of(rubin).ruleLocations().get("profile:platform.hmm/disabled").toString())
                .contains("ubuntu-24.04-nvidia-vera-rubin.yaml:");
        // What appliesTo features see: HMM turned off on purpose, no nested guests declared, no MPAM.
        assertThat(Policy.features(rubin.profile().platform())).containsExactly("hmm-disabled");
    }

    @Test
    void everyCatalogProfilesRulesCanBeWaivedAndNameAKnownKey(@TempDir Path dir) {
        ProfileSources sources = ProfileSources.withBundledCatalog(dir, dir);
        int rules = 0;
        for (ResolvedProfile p : new ProfileResolver(sources).resolveAll(sources.catalogNames())) {
            for (Policy.Rule r : ProfilePolicy.of(p).policy().rules()) {
                assertThat(io.nodeimage.yaml.Syntax.RULE_REF.accepts(r.id())).as(p.name() + ": " + r.id()).isTrue();
                assertThat(ProfilePolicy.KEYS).as(r.id()).contains(ProfilePolicy.key(r.id()));
                rules++;
            }
        }
        assertThat(rules).isGreaterThan(150);
        String typo = "apiVersion: nodeimage/v1\nkind: Waivers\nname: w\nwaivers:\n"
                + "  - {rule: \"profile:sysctls/kernel.kptr_restrict\", reason: r, expires: 2027-01-31, approvedBy: a}\n";
        LoadedPolicy file = PolicyLoader.load(SafeYaml.parse(typo.getBytes(StandardCharsets.UTF_8), "w.yaml"), "w.yaml", "w",
                new Problems()).orElseThrow();
        assertThat(PolicySets.crossCheck(List.of(new PolicySet(PolicySets.PROJECT, "1", null, List.of(file))), true))
                .extracting(Problem::format).singleElement().asString()
                .contains("waives 'profile:sysctls/kernel.kptr_restrict', but 'sysctls' is not a profile key verify makes "
                        + "rules from", "did you mean 'sysctl'?");
    }

    @Test
    void rhelKernelArgumentsGetNoRuleForTheyLiveInBootEntriesFactsDoNotRead(@TempDir Path dir) {
        ResolvedProfile rhel = new ProfileResolver(ProfileSources.withBundledCatalog(dir, dir)).resolve("rhel-9-nvidia-hopper");
        assertThat(rhel.profile().kernel().cmdline()).contains("iommu=pt");
        Optional<Policy.Rule> cmdline = ProfilePolicy.of(rhel).policy().rules().stream().filter(r -> r.cmdline() != null)
                .findFirst();
        assertThat(cmdline).isEmpty();
        assertThat(ProfilePolicy.of(rhel).policy().rules()).extracting(Policy.Rule::id)
                .contains("profile:packages.remove/telnet", "profile:services.enable/chronyd");
    }
}
