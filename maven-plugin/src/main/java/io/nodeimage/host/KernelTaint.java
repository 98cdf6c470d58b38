package io.nodeimage.host;

import io.nodeimage.yaml.YamlEnum;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's taint flags, one per bit of {@code /proc/sys/kernel/tainted}, named by the letter the
 * kernel prints in oops reports and {@code /proc/modules}. The table is the kernel's own:
 * Documentation/admin-guide/tainted-kernels.rst ("Table for decoding tainted state"); bit 19 (J) came
 * with Linux 6.15. Bit 0 is printed G when clear; only set bits are named here.
 */
public enum KernelTaint implements YamlEnum {
    P(0, "proprietary module was loaded"),
    F(1, "module was force loaded"),
    S(2, "kernel running on an out of specification system"),
    R(3, "module was force unloaded"),
    M(4, "processor reported a Machine Check Exception (MCE)"),
    B(5, "bad page referenced or some unexpected page flags"),
    U(6, "taint requested by userspace application"),
    D(7, "kernel died recently, i.e. there was an OOPS or BUG"),
    A(8, "ACPI table overridden by user"),
    W(9, "kernel issued warning"),
    C(10, "staging driver was loaded"),
    I(11, "workaround for bug in platform firmware applied"),
    O(12, "externally-built (\"out-of-tree\") module was loaded"),
    E(13, "unsigned module was loaded"),
    L(14, "soft lockup occurred"),
    K(15, "kernel has been live patched"),
    X(16, "auxiliary taint, defined for and used by distros"),
    T(17, "kernel was built with the struct randomization plugin"),
    N(18, "an in-kernel test has been run"),
    J(19, "userspace used a mutating debug operation in fwctl");

    private final int bit;
    private final String meaning;

    KernelTaint(int bit, String meaning) {
        this.bit = bit;
        this.meaning = meaning;
    }

    public int bit() {
        return bit;
    }

    public String meaning() {
        return meaning;
    }

    /** Written as the kernel prints it: one upper-case letter. */
    @Override
    public String yamlName() {
        return name();
    }

    /**
     * The letters of the set bits, in bit order; a bit this table does not know (a newer kernel) is
     * named {@code bit<N>} rather than dropped, so a policy author sees it.
     */
    public static List<String> decode(long mask) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < 64; b++) {
            if ((mask & (1L << b)) != 0) {
                out.add(b < values().length ? values()[b].name() : "bit" + b);
            }
        }
        return out;
    }
}
