package io.nodeimage.plan;

import io.nodeimage.profile.Profile;
import io.nodeimage.profile.Profile.Accelerator;
import io.nodeimage.profile.Profile.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * The packages and services a driver needs, per OS family. Names follow the vendors' installation
 * guides; a site whose mirror names them differently pins or adds packages in its own profile.
 */
final class DriverPackages {

    record Components(List<Step.Package> packages, List<String> services, String because, boolean buildsModules) {
    }

    private DriverPackages() {
    }

    static Components of(Accelerator a, Family family) {
        return a.vendor() == Profile.Vendor.NVIDIA ? nvidia(a, family) : amd(a, family);
    }

    private static Components nvidia(Accelerator a, Family family) {
        String branch = a.driver().branch();
        boolean open = a.driver().flavor() == Profile.Flavor.OPEN;
        List<Step.Package> packages = new ArrayList<>();
        List<String> services = new ArrayList<>();
        String version = a.driver().version();
        String because;
        switch (family) {
            case UBUNTU -> {
                // Ubuntu's server driver branches (NVIDIA Driver Installation Guide, Ubuntu section).
                packages.add(new Step.Package("nvidia-driver-" + branch + "-server" + (open ? "-open" : ""), version));
                if (a.fabricManager()) {
                    packages.add(new Step.Package("nvidia-fabricmanager-" + branch, version));
                }
                if (a.imex()) {
                    packages.add(new Step.Package("nvidia-imex-" + branch, version));
                }
                because = "NVIDIA Driver Installation Guide (Ubuntu), branch " + branch;
            }
            case RHEL -> {
                // NVIDIA Driver Installation Guide (Red Hat): the pinning package holds the branch.
                packages.add(new Step.Package("nvidia-driver-pinning-" + branch, null));
                packages.add(new Step.Package(open ? "nvidia-open" : "cuda-drivers", version));
                if (a.fabricManager()) {
                    packages.add(new Step.Package("nvidia-fabric-manager", null));
                }
                if (a.imex()) {
                    packages.add(new Step.Package("nvidia-imex", null));
                }
                because = "NVIDIA Driver Installation Guide (Red Hat), branch " + branch;
            }
            default -> {
                // Debian's non-free component carries one branch, built by DKMS.
                packages.add(new Step.Package(open ? "nvidia-open-kernel-dkms" : "nvidia-kernel-dkms", version));
                packages.add(new Step.Package("nvidia-smi", null));
                because = "Debian non-free NVIDIA packages";
            }
        }
        if (a.containerToolkit()) {
            packages.add(new Step.Package("nvidia-container-toolkit", null));
        }
        if (a.fabricManager()) {
            services.add("nvidia-fabricmanager");
        }
        if (a.imex()) {
            services.add("nvidia-imex");
        }
        if (a.persistenced()) {
            services.add("nvidia-persistenced");
        }
        if (a.cdi()) {
            // NVIDIA Container Toolkit: regenerates /var/run/cdi/nvidia.yaml at boot and on driver change.
            services.add("nvidia-cdi-refresh.path");
        }
        // Ubuntu's driver packages ship modules signed and prebuilt for its kernels; NVIDIA's RHEL
        // packages and Debian's are built by DKMS on install.
        return new Components(packages, services, because, family != Family.UBUNTU);
    }

    private static Components amd(Accelerator a, Family family) {
        List<Step.Package> packages = new ArrayList<>();
        if (a.driver().flavor() == Profile.Flavor.DKMS) {
            // ROCm installation guide: amdgpu-dkms from the release's amdgpu repository.
            packages.add(new Step.Package("amdgpu-dkms", a.driver().version()));
        }
        packages.add(new Step.Package("rocm", null));
        return new Components(packages, List.of(), "ROCm installation guide, release " + a.driver().branch()
                + (family == Family.RHEL ? " (RHEL)" : " (Ubuntu)"), a.driver().flavor() == Profile.Flavor.DKMS);
    }

    static List<Step.Package> rdma(Profile.RdmaStack stack, Family family) {
        if (stack == Profile.RdmaStack.DOCA) {
            // NVIDIA DOCA-Host installation guide: the doca-ofed profile (drivers and user space).
            return List.of(new Step.Package("doca-ofed", null));
        }
        String utils = family == Family.RHEL ? "libibverbs-utils" : "ibverbs-utils";
        return List.of(new Step.Package("rdma-core", null), new Step.Package(utils, null),
                new Step.Package("infiniband-diags", null));
    }
}
