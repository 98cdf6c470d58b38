package io.nodeimage.profile;

import io.nodeimage.profile.Profile.Accelerator;
import io.nodeimage.profile.Profile.Arch;
import io.nodeimage.profile.Profile.Cpu;
import io.nodeimage.profile.Profile.Family;
import io.nodeimage.profile.Profile.Flavor;
import io.nodeimage.profile.Profile.GpuFamily;
import io.nodeimage.profile.Profile.Output;
import io.nodeimage.profile.Profile.PageSize;
import io.nodeimage.profile.Profile.Vendor;
import io.nodeimage.yaml.DidYouMean;
import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks that span several keys: releases per family, what the hardware demands of the driver and
 * the kernel, and contradictions (a module both loaded and disabled). Locations come from the merged
 * tree, so a problem points at the file, inherited or not, where the value was written.
 */
final class ProfileRules {

    /** Releases per family that nodeimage renders for; RHEL minors are accepted as 9.N and 10.N. */
    static final Map<Family, Pattern> RELEASES = Map.of(
            Family.UBUNTU, Pattern.compile("22\\.04|24\\.04|26\\.04"),
            Family.RHEL, Pattern.compile("(9|10)(\\.[0-9]{1,2})?"),
            Family.DEBIAN, Pattern.compile("12|13"));
    private static final Map<Family, String> RELEASES_SHOWN = Map.of(
            Family.UBUNTU, "22.04, 24.04, 26.04", Family.RHEL, "9, 9.N, 10, 10.N", Family.DEBIAN, "12, 13");

    private final Problems problems;
    /** The mirror ids the build configures; null where the caller does not know them (nothing is checked). */
    private final Set<String> mirrorIds;

    /** Ids of mirrors whose base URL is http://. */
    private final Set<String> plainHttpMirrors;

    ProfileRules(Problems problems, Set<String> mirrorIds, Set<String> plainHttpMirrors) {
        this.problems = problems;
        this.mirrorIds = mirrorIds == null ? null : new TreeSet<>(mirrorIds);
        this.plainHttpMirrors = Set.copyOf(plainHttpMirrors);
    }

    void check(Profile p, YNode.Mapping tree) {
        Profile.Os os = p.os();
        if (os.family() != null && os.release() != null && !RELEASES.get(os.family()).matcher(os.release()).matches()) {
            add(tree, "release '" + os.release() + "' is not a known " + os.family().yamlName() + " release",
                    "use one of " + RELEASES_SHOWN.get(os.family()), "os", "release");
        }
        Cpu cpu = p.platform().cpu();
        if (cpu != null && os.arch() != null) {
            boolean arm = cpu == Cpu.GRACE || cpu == Cpu.VERA;
            if (arm != (os.arch() == Arch.AARCH64)) {
                add(tree, "cpu '" + cpu.yamlName() + "' does not run " + os.arch().yamlName() + " images",
                        arm ? "Grace and Vera are Arm CPUs: set os.arch to aarch64" : "set os.arch to x86_64",
                        "platform", "cpu");
            }
        }
        if (p.kernel().pageSize() == PageSize.SIZE_64K && os.arch() == Arch.X86_64) {
            add(tree, "64k pages exist only on aarch64", "remove pageSize or set os.arch to aarch64",
                    "kernel", "pageSize");
        }
        checkAccelerators(p, tree);
        new PlatformRules(this).check(p, tree);
        checkOutputs(p, tree);
        overlap(tree, p.kernel().modules().load(), p.kernel().modules().disable(),
                "is both loaded and disabled", "kernel", "modules", "disable");
        overlap(tree, p.packages().install(), p.packages().remove(),
                "is both installed and removed", "packages", "remove");
        overlap(tree, p.services().enable(), p.services().mask(),
                "is both enabled and masked", "services", "mask");
        overlap(tree, p.services().enable(), p.services().disable(),
                "is both enabled and disabled", "services", "disable");
        unique(tree, p.files().stream().map(Profile.FileSpec::path).toList(), "path", "files");
        unique(tree, p.users().stream().map(Profile.User::name).toList(), "name", "users");
        unique(tree, p.repositories().stream().map(Profile.Repository::name).toList(), "name", "repositories");
        unique(tree, p.trust().certificates().stream().map(Profile.Certificate::name).toList(), "name",
                "trust", "certificates");
        checkMirrors(p, tree);
        new ArchiveRules(this, plainHttpMirrors).check(p, tree);
        checkCertificates(p, tree);
        for (int i = 0; i < p.files().size(); i++) {
            if (p.files().get(i).content() == null) {
                add(tree, "file " + p.files().get(i).path() + " has no content",
                        "give 'content:' inline, or 'source:' with a file in the project", "files", i);
            }
        }
        for (int i = 0; i < p.trust().certificates().size(); i++) {
            if (p.trust().certificates().get(i).pem() == null) {
                add(tree, "certificate '" + p.trust().certificates().get(i).name() + "' has no PEM",
                        "give 'pem:' inline, or 'source:' with a PEM file in the project", "trust", "certificates", i);
            }
        }
    }

    /** Each trust.certificates[].pem holds only certificates the JDK parses; update-ca-* would skip others quietly. */
    private void checkCertificates(Profile p, YNode.Mapping tree) {
        for (int i = 0; i < p.trust().certificates().size(); i++) {
            Profile.Certificate c = p.trust().certificates().get(i);
            if (c.pem() == null) {
                continue;
            }
            try {
                PemCertificates.parse(c.pem());
            } catch (IllegalArgumentException e) {
                add(tree, "'" + c.name() + "' is not PEM certificates: " + e.getMessage(),
                        "give the CA's certificate as PEM (openssl x509 -in ca.der -inform der -out ca.pem), "
                                + "one or more -----BEGIN CERTIFICATE----- blocks and nothing else",
                        "trust", "certificates", i, "pem");
            }
        }
    }

    /**
     * A mirror:// URL names a mirror of the plugin's configuration. Checked here rather than when the
     * plan resolves it, so the problem points at the line that names it, and validate finds it too.
     */
    private void checkMirrors(Profile p, YNode.Mapping tree) {
        if (mirrorIds == null) {
            return;
        }
        for (int i = 0; i < p.repositories().size(); i++) {
            Profile.Repository r = p.repositories().get(i);
            for (String key : List.of("url", "key")) {
                mirror(tree, "repository '" + r.name() + "'", key.equals("url") ? r.url() : r.key(), "repositories", i, key);
            }
        }
        if (p.archive() != null) {
            p.archive().urls().forEach((key, url) -> mirror(tree, "archive." + key, url, "archive", key));
        }
    }

    private void mirror(YNode.Mapping tree, String who, String url, Object... path) {
        String id = mirrorId(url);
        if (id == null || mirrorIds.contains(id)) {
            return;
        }
        String configured = mirrorIds.isEmpty() ? "no mirrors are configured"
                : "configured mirrors: " + String.join(", ", mirrorIds);
        String suggestion = DidYouMean.closest(id, mirrorIds).map(s -> "did you mean 'mirror://" + s + "/'? ").orElse("");
        add(tree, who + " uses mirror '" + id + "', which is not configured",
                suggestion + configured + "; set <mirrors><" + id + ">https://...</" + id
                        + "></mirrors> in the plugin's configuration (validate and render share it)", path);
    }

    /** The id of a mirror://ID/PATH URL; null for any other URL. */
    static String mirrorId(String url) {
        if (url == null || !url.startsWith("mirror://")) {
            return null;
        }
        String rest = url.substring("mirror://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private void checkAccelerators(Profile p, YNode.Mapping tree) {
        boolean fabricManager = false;
        boolean imex = false;
        boolean nvidia = false;
        Cpu cpu = p.platform().cpu();
        for (int i = 0; i < p.accelerators().size(); i++) {
            Accelerator a = p.accelerators().get(i);
            if (a.vendor() == null || a.family() == null || a.driver() == null || a.driver().flavor() == null) {
                continue;
            }
            nvidia |= a.vendor() == Vendor.NVIDIA;
            fabricManager |= a.fabricManager();
            imex |= a.imex();
            if (a.family().vendor() != a.vendor()) {
                add(tree, "'" + a.family().yamlName() + "' is not a " + a.vendor().yamlName() + " GPU family", "",
                        "accelerators", i, "family");
            }
            Flavor flavor = a.driver().flavor();
            if (flavor.vendor() != a.vendor()) {
                add(tree, "flavor '" + flavor.yamlName() + "' is not a " + a.vendor().yamlName() + " driver flavor",
                        a.vendor() == Vendor.NVIDIA ? "use open or proprietary" : "use dkms or inbox",
                        "accelerators", i, "driver", "flavor");
            } else if (a.vendor() == Vendor.NVIDIA && flavor == Flavor.PROPRIETARY) {
                // NVIDIA driver installation guide: Grace Hopper, Blackwell and later support only the
                // open GPU kernel modules.
                if (a.family() == GpuFamily.BLACKWELL || a.family() == GpuFamily.RUBIN) {
                    add(tree, "NVIDIA " + a.family().yamlName() + " GPUs run only with the open kernel modules",
                            "set driver.flavor to open", "accelerators", i, "driver", "flavor");
                } else if (cpu == Cpu.GRACE || cpu == Cpu.VERA) {
                    add(tree, "NVIDIA GPUs on " + cpu.yamlName() + " run only with the open kernel modules",
                            "set driver.flavor to open", "accelerators", i, "driver", "flavor");
                }
            }
            if (a.vendor() != Vendor.NVIDIA) {
                String at = KeyPath.index("accelerators", i);
                for (String key : List.of("fabricManager", "imex", "persistenced", "containerToolkit", "cdi")) {
                    YNode.at(tree, "accelerators", i, key).ifPresent(n -> {
                        if (n instanceof YNode.Scalar s && s.text().equals("true")) {
                            problems.add(n.location(), KeyPath.key(at, key),
                                    key + " is an NVIDIA component; this accelerator is " + a.vendor().yamlName(),
                                    "remove it");
                        }
                    });
                }
            }
        }
        if (p.platform().nvswitch() && nvidia && !fabricManager) {
            add(tree, "an NVSwitch system needs NVIDIA Fabric Manager to bring up its GPUs",
                    "set fabricManager: true on the NVIDIA accelerator", "platform", "nvswitch");
        }
        if (p.platform().multiNodeNvlink() && nvidia && !imex) {
            add(tree, "multi-node NVLink needs the NVIDIA IMEX service to share GPU memory across nodes",
                    "set imex: true on the NVIDIA accelerator", "platform", "multiNodeNvlink");
        }
    }

    private void checkOutputs(Profile p, YNode.Mapping tree) {
        Family family = p.os().family();
        for (int i = 0; i < p.outputs().size(); i++) {
            Output out = p.outputs().get(i);
            String why = switch (out) {
                case AUTOINSTALL -> family != Family.UBUNTU ? "autoinstall is Ubuntu's installer format" : null;
                case KICKSTART, BLUEPRINT -> family != Family.RHEL ? out.yamlName() + " is a RHEL format" : null;
                case BOOTC -> family != Family.RHEL ? "bootc images are built on RHEL image-mode bases" : null;
                default -> null;
            };
            if (out == Output.BOOTC && why == null && p.base().bootc() == null) {
                add(tree, "the bootc output needs an image-mode base image", "set base.bootc, such as rhel9/rhel-bootc:9.6",
                        "outputs", i);
            }
            if (why != null && family != null) {
                add(tree, why + "; this profile is " + family.yamlName(), "remove '" + out.yamlName() + "' from outputs",
                        "outputs", i);
            }
        }
    }

    private void overlap(YNode.Mapping tree, List<String> a, List<String> b, String what, Object... listPath) {
        Set<String> first = new HashSet<>(normalized(a));
        List<String> second = normalized(b);
        for (int i = 0; i < second.size(); i++) {
            if (first.contains(second.get(i))) {
                Object[] path = append(listPath, i);
                add(tree, "'" + b.get(i) + "' " + what, "keep it in one list only", path);
            }
        }
    }

    private void unique(YNode.Mapping tree, List<String> values, String key, String... list) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null && !seen.add(values.get(i))) {
                add(tree, "'" + values.get(i) + "' appears twice", "each " + key + " may appear once",
                        append(append(list, i), key));
            }
        }
    }

    /** modprobe treats '-' and '_' in module names alike; so do these checks. */
    private static List<String> normalized(List<String> names) {
        return names.stream().map(n -> n.replace('-', '_')).toList();
    }

    private static Object[] append(Object[] path, Object last) {
        Object[] out = new Object[path.length + 1];
        System.arraycopy(path, 0, out, 0, path.length);
        out[path.length] = last;
        return out;
    }

    /** Adds a problem at the deepest node of the path that exists in the merged tree. */
    void add(YNode.Mapping tree, String message, String hint, Object... path) {
        problems.add(KeyPath.deepest(tree, path), KeyPath.of(path), message, hint);
    }
}
