package io.nodeimage.plan;

import io.nodeimage.ConfigurationException;
import io.nodeimage.profile.Profile;
import io.nodeimage.profile.Profile.Accelerator;
import io.nodeimage.profile.Profile.ModuleBuild;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a profile's accelerators and network need, from the vendor data: the repositories their packages
 * come from (each once, in first use order), the installs, units, modules and files. Every package names
 * its repository, so a package from a repository the plan does not configure cannot be planned.
 */
final class VendorSteps {

    /** The vendor part of a plan. {@code dkms}: some driver's modules are built in the image. */
    record Result(List<Step> repositories, List<Step.InstallPackages> installs, List<String> services,
                  List<String> loads, List<Step.WriteFile> files, List<Step> after, boolean dkms) {
    }

    /** Where NVIDIA's IMEX service reads its node list (IMEX guide, config: IMEX_NODE_CONFIG_FILE default). */
    static final String IMEX_NODES = "/etc/nvidia-imex/nodes_config.cfg";

    private final Profile profile;
    private final VendorCatalog catalog;
    private final Map<String, String> mirrors;
    private final Map<String, VendorData.Repository> repositories = new LinkedHashMap<>();
    private final List<Step.InstallPackages> installs = new ArrayList<>();
    private final Set<String> services = new LinkedHashSet<>();
    private final Set<String> loads = new LinkedHashSet<>();
    private final List<Step.WriteFile> files = new ArrayList<>();
    private final Map<String, Step> after = new LinkedHashMap<>();
    private boolean dkms;

    private VendorSteps(Profile profile, VendorCatalog catalog, Map<String, String> mirrors) {
        this.profile = profile;
        this.catalog = catalog;
        this.mirrors = mirrors;
    }

    static Result of(Profile profile, VendorCatalog catalog, Map<String, String> mirrors) {
        VendorSteps s = new VendorSteps(profile, catalog, mirrors);
        // A DKMS-built driver (nvidia_peermem among its modules) must be built against the RDMA stack
        // that will run, so DOCA, which replaces ib_core, goes first.
        boolean doca = profile.network().rdma() && profile.network().stack() == Profile.RdmaStack.DOCA;
        if (doca) {
            s.network();
        }
        for (Accelerator a : profile.accelerators()) {
            s.accelerator(a);
        }
        if (profile.network().rdma() && !doca) {
            s.network();
        }
        List<Step> repositorySteps = new ArrayList<>();
        s.repositories.values().forEach(r -> repositorySteps.add(s.step(r)));
        return new Result(repositorySteps, s.installs, List.copyOf(s.services), List.copyOf(s.loads), s.files,
                List.copyOf(s.after.values()), s.dkms);
    }

    private void accelerator(Accelerator a) {
        Profile.Os os = profile.os();
        String branch = a.driver().branch();
        catalog.branchNote(a.vendor(), branch, os).ifPresent(note -> {
            throw new ConfigurationException("profile " + profile.name() + ": " + a.vendor().yamlName() + " branch " + branch
                    + " on " + target() + ": " + note.note() + " (" + note.source().cite() + ")",
                    note.installs() == null ? "choose another branch"
                            : "write driver.branch: \"" + note.installs() + "\", the branch the node really gets");
        });
        ModuleBuild build = moduleBuild(a);
        List<VendorData.Driver> candidates = catalog.drivers(a.vendor(), a.driver().flavor(), os, a.family());
        VendorData.Driver driver = candidates.stream().filter(d -> d.modules() == build).findFirst().orElseThrow(() ->
                new ConfigurationException("profile " + profile.name() + ": the vendor data has no " + a.vendor().yamlName()
                        + " " + a.driver().flavor().yamlName() + " driver with " + build.yamlName() + " modules for " + target(),
                        candidates.isEmpty() ? "choose a flavour the vendor ships for this OS, or add a driver entry to your "
                                + "project's vendor folder (docs/profiles.md, 'Vendor data')"
                                : "write driver.modules: " + candidates.get(0).modules().yamlName()
                                + " (what the vendor data has for this OS)"));
        if (!driver.branches().isEmpty() && !driver.branches().contains(branch)) {
            throw new ConfigurationException("profile " + profile.name() + ": " + a.vendor().yamlName() + " branch " + branch
                    + " is not what " + driver.source().cite() + " ships for " + target() + " (" + String.join(", ",
                    driver.branches()) + ")", "write driver.branch: \"" + driver.branches().get(0) + "\"");
        }
        if (build == ModuleBuild.DKMS) {
            requireSigning("the " + a.vendor().yamlName() + " driver's modules are");
            if (profile.kernel().modules().load().stream().anyMatch(m -> Planner.normal(m).equals("nvidia_peermem"))
                    && !profile.network().rdma()) {
                throw new ConfigurationException("profile " + profile.name() + ": nvidia_peermem is loaded but no RDMA "
                        + "stack is installed", "set network.rdma, or stop loading nvidia_peermem");
            }
        } else if (a.vendor() == Profile.Vendor.NVIDIA && profile.network().rdma()
                && profile.network().stack() == Profile.RdmaStack.DOCA
                && profile.kernel().modules().load().stream().anyMatch(m -> Planner.normal(m).equals("nvidia_peermem"))) {
            throw new ConfigurationException("profile " + profile.name() + ": nvidia_peermem is loaded with the DOCA stack, "
                    + "but the precompiled module was built against the distribution's ib_core, which DOCA replaces",
                    "write driver.modules: dkms so it is built after DOCA, or use DMA-BUF instead of nvidia_peermem "
                            + "(NVIDIA's recommendation) and stop loading it");
        }
        List<Step.Package> packages = packages(driver.packages(), branch, a.driver().version());
        installs.add(new Step.InstallPackages(packages, a.vendor().yamlName() + " " + a.driver().flavor().yamlName()
                + " driver, branch " + branch + ", " + build.yamlName() + " modules: " + driver.source().cite(),
                build == ModuleBuild.DKMS, expand(driver.moduleStream(), branch), expand(driver.versionLock(), branch)));
        services.addAll(driver.services());

        if (a.vendor() == Profile.Vendor.NVIDIA) {
            feature(a, a.fabricManager(), VendorData.Feature.FABRIC_MANAGER, branch);
            feature(a, a.imex(), VendorData.Feature.IMEX, branch);
            if (a.imex() && a.imexNodes() != null) {
                files.add(new Step.WriteFile(IMEX_NODES, "0644", "root", "root",
                        a.imexNodes().stream().map(n -> n + "\n").reduce("", String::concat),
                        "accelerators.imexNodes: the IMEX domain's nodes (NVIDIA IMEX guide, IMEX_NODE_CONFIG_FILE)"));
            }
            feature(a, a.persistenced(), VendorData.Feature.PERSISTENCED, branch);
            feature(a, a.containerToolkit(), VendorData.Feature.CONTAINER_TOOLKIT, branch);
            feature(a, a.cdi(), VendorData.Feature.CDI, branch);
        }
    }

    /** Modules DKMS builds in the image need a Secure Boot choice: who signs them, or that nobody does. */
    private void requireSigning(String whose) {
        dkms = true;
        if (profile.secureBoot().mok() == null) {
            throw new ConfigurationException("profile " + profile.name() + ": " + whose
                    + " built in the image by DKMS, and nothing signs them for Secure Boot",
                    "add 'secureBoot: {mok: generated}' (a machine owner key made by the build; enrol its certificate), "
                            + "or 'secureBoot: {mok: none}' for nodes that boot without Secure Boot");
        }
    }

    /** The way modules are built: the profile's, else precompiled where the vendor data has it, else DKMS. */
    private ModuleBuild moduleBuild(Accelerator a) {
        if (a.vendor() == Profile.Vendor.AMD) {
            return a.driver().flavor() == Profile.Flavor.DKMS ? ModuleBuild.DKMS : ModuleBuild.PRECOMPILED;
        }
        if (a.driver().modules() != null) {
            return a.driver().modules();
        }
        boolean precompiled = catalog.drivers(a.vendor(), a.driver().flavor(), profile.os(), a.family()).stream()
                .anyMatch(d -> d.modules() == ModuleBuild.PRECOMPILED);
        return precompiled ? ModuleBuild.PRECOMPILED : ModuleBuild.DKMS;
    }

    private void feature(Accelerator a, boolean on, VendorData.Feature feature, String branch) {
        if (!on) {
            return;
        }
        List<VendorData.Addon> addons = catalog.addons(feature, a.vendor(), profile.os(), a.family());
        if (addons.isEmpty()) {
            throw new ConfigurationException("profile " + profile.name() + ": the vendor data has nothing for "
                    + feature.yamlName() + " (" + a.vendor().yamlName() + ") on " + target(),
                    "turn it off for this OS, or add an addon entry to your project's vendor folder (docs/profiles.md)");
        }
        addons.forEach(addon -> addon(addon, branch, null));
    }

    private void network() {
        VendorData.Feature feature = profile.network().stack() == Profile.RdmaStack.DOCA
                ? VendorData.Feature.RDMA_DOCA : VendorData.Feature.RDMA_INBOX;
        List<VendorData.Addon> addons = catalog.addons(feature, null, profile.os(), null);
        if (addons.isEmpty()) {
            throw new ConfigurationException("profile " + profile.name() + ": the vendor data has no "
                    + feature.yamlName() + " packages for " + target(), "add them to your project's vendor folder");
        }
        addons.forEach(addon -> addon(addon, null, "network.rdma (" + profile.network().stack().yamlName() + " stack)"));
    }

    private void addon(VendorData.Addon addon, String branch, String why) {
        String because = (why == null ? addon.feature().yamlName() : why) + ": " + addon.source().cite();
        boolean builds = addon.modules() == ModuleBuild.DKMS;
        if (builds) {
            requireSigning("the modules of " + addon.feature().yamlName() + " are");
        }
        if (!addon.packages().isEmpty()) {
            installs.add(new Step.InstallPackages(packages(addon.packages(), branch, null), because, builds));
        }
        services.addAll(addon.services());
        loads.addAll(addon.load());
        for (VendorData.FileEntry f : addon.files()) {
            files.add(new Step.WriteFile(f.path(), f.mode() == null ? "0644" : f.mode(), "root", "root", f.content(), because));
        }
        addon.ports().forEach(p -> after.putIfAbsent("port " + p, new Step.OpenPort(p, because)));
        addon.selinuxBooleans().forEach(b -> after.putIfAbsent("selinux " + b, new Step.SelinuxBoolean(b, because)));
    }

    /** Templates filled in; every package's repository resolved for this image (or the plan is refused). */
    private List<Step.Package> packages(List<VendorData.PackageRef> refs, String branch, String version) {
        List<Step.Package> out = new ArrayList<>();
        for (VendorData.PackageRef ref : refs) {
            String name = expand(ref.name(), branch);
            if (!ref.from().equals(VendorData.PackageRef.DISTRIBUTION)) {
                VendorData.Repository r = catalog.repository(ref.from(), profile.os()).orElseThrow(() ->
                        new ConfigurationException("profile " + profile.name() + ": " + name + " comes from the repository '"
                                + ref.from() + "', which the vendor data does not define for " + target(),
                                "add a '" + ref.from() + "' repository entry with its URL and the key's fingerprint to "
                                        + "your project's vendor folder (docs/profiles.md, 'Vendor data')"));
                repositories.putIfAbsent(r.name(), r);
            }
            // Packages whose version is the driver's are held to the profile's driver version, else to its
            // branch: IMEX and Fabric Manager must match the driver, and the repositories carry every branch.
            // A prefix: the distributions add their own revision.
            String pin = !ref.pin() ? null : version != null ? version + "*" : branch != null ? branch + ".*" : null;
            out.add(new Step.Package(name, pin, ref.from()));
        }
        return out;
    }

    private String expand(String template, String branch) {
        if (template == null) {
            return null;
        }
        return template.replace("{branch}", branch == null ? "" : branch).replace("{kernel}", kernelFlavour());
    }

    /**
     * The kernel flavour package names use: Ubuntu's generic (or the flavour kernel.package names, such as
     * nvidia-64k for linux-nvidia-64k), Debian's architecture flavour (amd64, arm64, or kernel.package's).
     */
    String kernelFlavour() {
        String pkg = profile.kernel().packageName();
        if (pkg != null && pkg.startsWith("linux-")) {
            return pkg.replaceFirst("^linux-(image-)?", "");
        }
        return switch (profile.os().family()) {
            case UBUNTU -> "generic";
            case DEBIAN -> profile.os().arch() == Profile.Arch.AARCH64 ? "arm64" : "amd64";
            case RHEL -> "";
        };
    }

    private String target() {
        Profile.Os os = profile.os();
        return os.family().yamlName() + " " + os.release() + " " + os.arch().yamlName();
    }

    /** The step for a repository: a site mirror of the same name replaces the vendor's address. */
    private Step step(VendorData.Repository r) {
        String because = "vendor repository " + r.name() + ": " + r.source().cite();
        if (r.distributionComponents()) {
            return new Step.EnableComponents(r.name(), r.components(), because);
        }
        String url = r.url();
        String key = r.key().url();
        String release = r.releasePackage();
        String mirror = mirrors.get(r.name());
        if (mirror != null) {
            String base = mirror.replaceAll("/+$", "");
            String vendorBase = (url != null ? url : release).replaceAll("/[^/]*$", "");
            url = base + "/";
            key = rebase(key, vendorBase, base);
            // A release package would point at the vendor's servers: the mirror gets a repository file of its
            // own, with the same pinned key.
            release = null;
            because = because + "; served by the site mirror " + base;
        }
        return new Step.AddRepository(r.name(), url, key, r.key().fingerprint(), r.suite(), r.components(),
                r.signs().contains(VendorData.Signed.PACKAGES), r.signs().contains(VendorData.Signed.METADATA), release,
                because);
    }

    /** A file under the vendor's repository moves with it; one elsewhere keeps its name under the mirror. */
    private static String rebase(String file, String vendorBase, String mirrorBase) {
        if (file.startsWith(vendorBase + "/")) {
            return mirrorBase + file.substring(vendorBase.length());
        }
        return mirrorBase + file.substring(file.lastIndexOf('/'));
    }
}
