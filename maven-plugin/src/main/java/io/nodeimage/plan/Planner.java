package io.nodeimage.plan;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.PemCertificates;
import io.nodeimage.profile.Profile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a profile to its {@link Plan}: the profile's own settings, the hardening baseline expanded
 * for its OS, and what each accelerator and the RDMA stack need, in the order an image is made.
 */
public final class Planner {

    private final Map<String, String> mirrors;
    private final VendorCatalog vendor;

    /**
     * @param mirrors base URLs by mirror id, for repository URLs written {@code mirror://<id>/<path>}, and by
     *     vendor repository name, for a site mirror that replaces that repository
     * @param vendor the vendor data the accelerators' and network's packages come from
     */
    public Planner(Map<String, String> mirrors, VendorCatalog vendor) {
        this.mirrors = Map.copyOf(mirrors);
        this.vendor = vendor;
    }

    /** A planner with the plugin's own vendor catalog. */
    public Planner(Map<String, String> mirrors) {
        this(mirrors, VendorCatalog.bundled());
    }

    /** The plan of a resolved profile, knowing the file and line of every value the profile wrote. */
    public Plan plan(io.nodeimage.profile.ResolvedProfile resolved) {
        requireSupported(resolved.profile(), resolved.tree());
        return planChecked(resolved.profile()).withOrigins(Origins.of(resolved));
    }

    public Plan plan(Profile p) {
        requireSupported(p, null);
        return planChecked(p);
    }

    /** A platform feature the target's kernel cannot do stops the plan, at the key's line where it is known. */
    private void requireSupported(Profile p, io.nodeimage.yaml.YNode.Mapping tree) {
        io.nodeimage.yaml.Problems problems = new io.nodeimage.yaml.Problems();
        new PlatformSupport(vendor).check(p, tree, problems);
        if (!problems.isEmpty()) {
            throw new io.nodeimage.yaml.YamlException("profile " + p.name() + " asks for what its target cannot do",
                    problems.list(), "fix each one at the file:line:column shown (docs/profiles.md, 'Multi-tenant features')");
        }
    }

    private Plan planChecked(Profile p) {
        List<Step> steps = new ArrayList<>();
        PlatformSteps.Result platform = PlatformSteps.of(p, vendor);
        Baseline expanded = Baseline.of(p);
        List<Baseline.Item> baseline = expanded.items();
        checkBaselineAgainstLoads(p, baseline);

        VendorSteps.Result vendorSteps = VendorSteps.of(p, vendor, mirrors);
        // First of all: nothing may be fetched from the base image's own archive once the site names its mirror.
        if (p.archive() != null) {
            List<String> components = vendorSteps.repositories().stream()
                    .filter(s -> s instanceof Step.EnableComponents).flatMap(s -> ((Step.EnableComponents) s).components().stream())
                    .toList();
            steps.add(ArchiveStep.of(p, this::resolve, components));
        }
        // Before any repository: an https mirror signed by a site CA needs the CA in the trust store first.
        for (Profile.Certificate c : p.trust().certificates()) {
            List<PemCertificates.Block> blocks = PemCertificates.parse(c.pem());
            for (int i = 0; i < blocks.size(); i++) {
                // update-ca-certificates and c_rehash want one certificate a file.
                String file = blocks.size() == 1 ? c.name() : c.name() + "-" + (i + 1);
                steps.add(new Step.TrustCertificate(file, blocks.get(i).pem(), "trust.certificates." + c.name()));
            }
        }
        steps.addAll(vendorSteps.repositories());
        for (Profile.Repository r : p.repositories()) {
            String who = "repository '" + r.name() + "'";
            steps.add(new Step.AddRepository(r.name(), resolve(r.url(), who), resolve(r.key(), who),
                    r.fingerprint(), r.suite(), r.components(), true, false, null, "repositories." + r.name()));
        }
        if (vendorSteps.dkms() && p.secureBoot().mok() == Profile.Mok.GENERATED) {
            String name = p.secureBoot().mokName() == null ? "nodeimage MOK " + p.name() : p.secureBoot().mokName();
            steps.add(new Step.ModuleSigningKey(name, "secureBoot.mok: generated (DKMS modules signed for Secure Boot)"));
        }
        if (p.kernel().packageName() != null) {
            steps.add(new Step.InstallPackages(List.of(new Step.Package(p.kernel().packageName(), null)),
                    "kernel.package"));
        }
        if (!p.packages().install().isEmpty()) {
            steps.add(new Step.InstallPackages(p.packages().install().stream()
                    .map(n -> new Step.Package(n, p.packages().pins().get(n))).toList(), "packages.install"));
        }
        steps.addAll(vendorSteps.installs());
        List<String> services = new ArrayList<>(vendorSteps.services());
        services.addAll(platform.units());
        if (!p.packages().remove().isEmpty()) {
            steps.add(new Step.RemovePackages(p.packages().remove(), "packages.remove"));
        }

        Set<String> disabled = new HashSet<>();
        for (String m : p.kernel().modules().disable()) {
            if (disabled.add(normal(m))) {
                steps.add(new Step.DisableModule(m, "kernel.modules.disable"));
            }
        }
        for (Baseline.Item item : baseline) {
            if (item.kind() == Baseline.Kind.MODULE && disabled.add(normal(item.key()))) {
                steps.add(new Step.DisableModule(item.key(), item.id()));
            }
        }
        p.kernel().modules().options().forEach((module, options) ->
                steps.add(new Step.ModuleOptions(module, options, "kernel.modules.options")));
        steps.addAll(platform.options());
        if (!p.kernel().modules().load().isEmpty()) {
            steps.add(new Step.LoadModules(p.kernel().modules().load(), "kernel.modules.load"));
        }
        List<String> vendorLoads = vendorSteps.loads().stream()
                .filter(m -> p.kernel().modules().load().stream().noneMatch(l -> normal(l).equals(normal(m)))).toList();
        if (!vendorLoads.isEmpty()) {
            steps.add(new Step.LoadModules(vendorLoads, "modules the accelerators' services need"));
        }
        if (!p.kernel().cmdline().isEmpty()) {
            steps.add(new Step.KernelArguments(p.kernel().cmdline(), "kernel.cmdline"));
        }
        platform.arguments().ifPresent(steps::add);

        Map<String, String> sysctl = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Baseline.Item item : baseline) {
            if (item.kind() == Baseline.Kind.SYSCTL) {
                sysctl.put(item.key(), item.value());
                reasons.put(item.key(), item.id());
            }
        }
        p.sysctl().forEach((k, v) -> {
            sysctl.put(k, v);
            reasons.put(k, "sysctl");
        });
        // A step of its own, so plan.txt names the key or the vendor document it comes from; the same sysctl.d file.
        platform.sysctl().ifPresent(n -> steps.add(new Step.Sysctl(Map.of(n.key(), n.value()),
                Map.of(n.key(), n.reason()), n.reason())));
        if (!sysctl.isEmpty()) {
            steps.add(new Step.Sysctl(sysctl, reasons, expanded.benchmarkName() == null ? "sysctl"
                    : "sysctl and " + expanded.benchmarkName() + " items"));
        }

        List<Baseline.Item> ssh = baseline.stream().filter(i -> i.kind() == Baseline.Kind.SSH).toList();
        if (!ssh.isEmpty()) {
            StringBuilder conf = new StringBuilder("# SSH daemon settings written by nodeimage. Hardening: "
                    + expanded.claim() + ".\n");
            for (Baseline.Item item : ssh) {
                conf.append("# ").append(item.id()).append('\n').append(item.key()).append(' ')
                        .append(item.value()).append('\n');
                if (item.key().equals("Banner")) {
                    steps.add(new Step.WriteFile(item.value(), "0644", "root", "root", Baseline.BANNER_TEXT, item.id()));
                }
            }
            steps.add(new Step.WriteFile("/etc/ssh/sshd_config.d/50-nodeimage-hardening.conf", "0600", "root", "root",
                    conf.toString(), expanded.benchmarkName() + " section 5.1 (SSH server)"));
        }
        steps.addAll(vendorSteps.files());
        steps.addAll(platform.files());
        for (Profile.FileSpec f : p.files()) {
            steps.add(new Step.WriteFile(f.path(), f.mode() == null ? "0644" : f.mode(),
                    f.owner() == null ? "root" : f.owner(), f.group() == null ? "root" : f.group(), f.content(),
                    "files"));
        }
        for (Profile.User u : p.users()) {
            steps.add(new Step.CreateUser(u.name(), u.uid(), u.groups(), u.shell(), u.sshAuthorizedKeys(), "users"));
        }

        LinkedHashSet<String> enable = new LinkedHashSet<>(services);
        enable.addAll(p.services().enable());
        if (!enable.isEmpty()) {
            steps.add(new Step.Services(Step.UnitAction.ENABLE, List.copyOf(enable), "services.enable and accelerators"));
        }
        if (!p.services().disable().isEmpty()) {
            steps.add(new Step.Services(Step.UnitAction.DISABLE, p.services().disable(), "services.disable"));
        }
        if (!p.services().mask().isEmpty()) {
            steps.add(new Step.Services(Step.UnitAction.MASK, p.services().mask(), "services.mask"));
        }
        steps.addAll(vendorSteps.after());
        if (!disabled.isEmpty() || !p.kernel().modules().options().isEmpty() || !platform.options().isEmpty()) {
            steps.add(new Step.RebuildInitramfs("module disables and options must hold in early boot too"));
        }
        return new Plan(p.name(), p.description(), p.os(), p.base().image(), p.base().bootc(), p.outputs(), steps,
                expanded.hardening());
    }

    /** A baseline that disables a module the profile loads is a contradiction the profile must settle. */
    private static void checkBaselineAgainstLoads(Profile p, List<Baseline.Item> baseline) {
        Set<String> loaded = new HashSet<>();
        p.kernel().modules().load().forEach(m -> loaded.add(normal(m)));
        for (Baseline.Item item : baseline) {
            if (item.kind() == Baseline.Kind.MODULE && loaded.contains(normal(item.key()))) {
                throw new ConfigurationException("profile " + p.name() + ": the " + p.hardening().baseline().yamlName()
                        + " baseline disables '" + item.key() + "' for " + item.id() + ", but kernel.modules.load lists it",
                        "add \"" + item.id().substring(item.id().lastIndexOf(' ') + 1)
                                + "\" to hardening.exclude with the reason in review, or stop loading it");
            }
        }
    }

    /** @param who what names the URL, for the error: "repository 'cuda'", "archive.url" */
    private String resolve(String url, String who) {
        if (!url.startsWith("mirror://")) {
            return url;
        }
        String rest = url.substring("mirror://".length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        String base = mirrors.get(id);
        if (base == null) {
            throw new ConfigurationException(who + " uses mirror '" + id
                    + "', which is not configured", "set <mirrors><" + id + ">https://...</" + id
                    + "></mirrors> in the plugin configuration");
        }
        return base.replaceAll("/+$", "") + (slash < 0 ? "" : rest.substring(slash));
    }

    /** modprobe treats '-' and '_' alike. */
    static String normal(String module) {
        return module.replace('-', '_');
    }
}
