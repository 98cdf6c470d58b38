package io.nodeimage.policy;

import java.util.List;

/**
 * The one check of a rule {@link ProfilePolicy} makes from a profile value (the others stay null), the
 * rule itself, and the check as one line for the policy's digest.
 */
final class ProfileCheck {

    private Policy.ModuleCheck kernelModule;
    private Policy.DriverCheck driver;
    private Policy.PackageCheck packageState;
    private Policy.SysctlCheck sysctl;
    private Policy.CmdlineCheck cmdline;
    private Policy.ServiceCheck service;
    private Policy.FileCheck file;
    private Policy.ModuleParameterCheck moduleParameter;
    private Policy.ModeCheck numaBalancing;
    private Policy.ModeCheck nestedVirtualization;
    private Policy.ResctrlCheck resctrl;
    private String described;

    ProfileCheck kernelModule(Policy.ModuleCheck c) {
        kernelModule = c;
        described = "kernelModule " + c.name() + " " + c.state().yamlName();
        return this;
    }

    ProfileCheck driver(Policy.DriverCheck c) {
        driver = c;
        described = "driver " + c.vendor() + " " + c.flavor() + " " + c.version();
        return this;
    }

    ProfileCheck packageState(Policy.PackageCheck c) {
        packageState = c;
        described = "package " + c.name() + " " + c.state().yamlName() + " " + c.version();
        return this;
    }

    ProfileCheck sysctl(Policy.SysctlCheck c) {
        sysctl = c;
        described = "sysctl " + c.key() + " " + c.value();
        return this;
    }

    ProfileCheck cmdline(Policy.CmdlineCheck c) {
        cmdline = c;
        described = "cmdline " + c.argument() + " " + c.state().yamlName();
        return this;
    }

    ProfileCheck service(Policy.ServiceCheck c) {
        service = c;
        described = "service " + c.name() + " " + c.state().yamlName();
        return this;
    }

    ProfileCheck file(Policy.FileCheck c) {
        file = c;
        described = "file " + c.path() + " " + c.state().yamlName() + " " + c.maxMode() + " " + c.owner() + " " + c.group();
        return this;
    }

    ProfileCheck moduleParameter(Policy.ModuleParameterCheck c) {
        moduleParameter = c;
        described = "moduleParameter " + c.module() + " " + c.parameter() + " " + c.value() + " " + c.defaultValue();
        return this;
    }

    ProfileCheck numaBalancing(Policy.ModeCheck c) {
        numaBalancing = c;
        described = "numaBalancing " + c.state().yamlName();
        return this;
    }

    ProfileCheck nestedVirtualization(Policy.ModeCheck c) {
        nestedVirtualization = c;
        described = "nestedVirtualization " + c.state().yamlName();
        return this;
    }

    ProfileCheck resctrl(Policy.ResctrlCheck c) {
        resctrl = c;
        described = "resctrl " + c.mounted() + " " + String.join(",", c.groups());
        return this;
    }

    /** The check as one line: every value it judges by. */
    String describe() {
        return described;
    }

    Policy.Rule rule(String id, String title, String rationale, String remediation, List<Policy.Reference> references) {
        return new Policy.Rule(id, title, Policy.Severity.HIGH, rationale, remediation, references, kernelModule, null,
                driver, packageState, sysctl, null, cmdline, service, file, null, null, null, null, moduleParameter,
                numaBalancing, nestedVirtualization, resctrl);
    }
}
