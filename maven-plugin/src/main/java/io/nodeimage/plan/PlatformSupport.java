package io.nodeimage.plan;

import io.nodeimage.profile.Profile;
import io.nodeimage.profile.TargetCheck;
import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;
import java.util.Optional;

/**
 * Whether the target can do the multi-tenant platform features the profile asks for: the kernel its
 * kernel.package ships (vendor data, kernels) against the release each feature needs (vendor data,
 * kernelFeatures). Reported at the key's line, with the release needed, instead of rendering something
 * the node's kernel cannot do. A target whose kernel the data does not know is a problem too, when a
 * feature needs to know it: the fix is a kernels entry in the project's vendor folder.
 */
public final class PlatformSupport implements TargetCheck {

    private final VendorCatalog catalog;

    public PlatformSupport(VendorCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void check(Profile p, YNode.Mapping tree, Problems problems) {
        Profile.Platform platform = p.platform();
        if (p.os() == null || p.os().family() == null || p.os().arch() == null) {
            return;
        }
        if (platform.hmm() == Profile.Hmm.REQUIRED) {
            need(p, tree, problems, VendorData.PlatformFeature.HMM, "HMM in NVIDIA's UVM driver", "platform", "hmm");
        }
        if (Boolean.TRUE.equals(platform.nestedVirtualization()) && p.os().arch() == Profile.Arch.AARCH64) {
            need(p, tree, problems, VendorData.PlatformFeature.ARM64_NESTED_VIRTUALIZATION,
                    "arm64 KVM nested virtualization (kvm-arm.mode=nested)", "platform", "nestedVirtualization");
        }
        if (platform.mpam() != null && p.os().arch() == Profile.Arch.AARCH64) {
            need(p, tree, problems, VendorData.PlatformFeature.MPAM, "Arm MPAM through resctrl", "platform", "mpam");
        }
    }

    private void need(Profile p, YNode.Mapping tree, Problems problems, VendorData.PlatformFeature feature, String what,
                      Object... path) {
        Optional<VendorData.KernelFeature> known = catalog.kernelFeature(feature);
        if (known.isEmpty()) {
            add(p, tree, problems, "the vendor data says nothing of the kernel " + what + " needs",
                    "add a kernelFeatures entry for " + feature.yamlName() + " to your project's vendor folder "
                            + "(docs/profiles.md, 'Multi-tenant features')", path);
            return;
        }
        VendorData.KernelFeature f = known.get();
        if (!f.arch().isEmpty() && !f.arch().contains(p.os().arch())) {
            add(p, tree, problems, what + " does not work on " + p.os().arch().yamlName()
                    + (f.unsupported() == null ? "" : ": " + f.unsupported()) + " (" + f.source().cite() + ")",
                    "remove it for this target", path);
            return;
        }
        String kernelPackage = p.kernel().packageName();
        String target = p.os().family().yamlName() + " " + p.os().release() + " " + p.os().arch().yamlName();
        String kernelShown = kernelPackage == null ? "the default kernel of " + target : kernelPackage + " on " + target;
        Optional<VendorData.KernelSeries> series = catalog.kernel(p.os(), kernelPackage);
        if (series.isEmpty()) {
            add(p, tree, problems, what + " needs Linux " + f.release() + " or later, and the vendor data does not know "
                    + "which release " + kernelShown + " ships",
                    "add a kernels entry for it (for, packages, release, source) to your project's vendor folder "
                            + "(docs/profiles.md, 'Multi-tenant features')", path);
            return;
        }
        VendorData.KernelSeries k = series.get();
        if (compare(k.release(), f.release()) < 0) {
            add(p, tree, problems, what + " needs Linux " + f.release() + " or later (" + f.source().cite() + "), but "
                    + kernelShown + " ships " + k.release() + " (" + k.source().cite() + ")",
                    "name a kernel.package of release " + f.release() + " or later (with a kernels entry in your "
                            + "project's vendor folder), or remove it for this target", path);
        }
    }

    /** Releases compared numerically part by part: 6.16 is after 6.8, and 6.1.24 after 6.1. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int u = i < x.length ? Integer.parseInt(x[i]) : 0;
            int v = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (u != v) {
                return Integer.compare(u, v);
            }
        }
        return 0;
    }

    /** At the deepest node of the path the tree has; without a tree, at the profile. */
    private static void add(Profile p, YNode.Mapping tree, Problems problems, String message, String hint, Object... path) {
        Location location = tree == null ? Location.startOf("profile " + p.name()) : KeyPath.deepest(tree, path);
        problems.add(location, KeyPath.of(path), message, hint);
    }
}
