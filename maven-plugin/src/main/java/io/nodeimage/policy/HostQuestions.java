package io.nodeimage.policy;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the policies ask of a running node beyond what every node is read for: /proc/sys holds thousands of
 * keys and a loaded driver dozens of parameters, so only the ones a rule names are read.
 */
public final class HostQuestions {

    private HostQuestions() {
    }

    /** sysctl keys: those sysctl rules name, and kernel.numa_balancing for a numaBalancing rule. */
    public static Set<String> sysctlKeys(List<LoadedPolicy> policies) {
        Set<String> out = new TreeSet<>();
        for (LoadedPolicy p : policies) {
            for (Policy.Rule r : p.policy().rules()) {
                if (r.sysctl() != null) {
                    out.add(r.sysctl().key());
                }
                if (r.numaBalancing() != null) {
                    out.add("kernel.numa_balancing");
                }
            }
        }
        return out;
    }

    /** {@code module/parameter} pairs: moduleParameter rules', and KVM's nested for a nestedVirtualization rule. */
    public static Set<String> moduleParameters(List<LoadedPolicy> policies) {
        Set<String> out = new TreeSet<>();
        for (LoadedPolicy p : policies) {
            for (Policy.Rule r : p.policy().rules()) {
                if (r.moduleParameter() != null) {
                    out.add(ParameterValues.name(r.moduleParameter().module()) + "/" + r.moduleParameter().parameter());
                }
                if (r.nestedVirtualization() != null) {
                    PlatformChecks.KVM_MODULES.forEach(m -> out.add(m + "/nested"));
                }
            }
        }
        return out;
    }
}
