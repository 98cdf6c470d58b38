package io.nodeimage.policy;

/**
 * The keys a kernel carries built in (its system keyring: the distribution's module signing key, or the
 * key its build generated), which it checks module signatures with before any Machine Owner Key. A rule
 * names them with the reserved {@code trustedCertificates} entry {@link #ENTRY}; inspect reads them from
 * the kernel image ({@code /boot/vmlinuz-<version>}) of each module tree.
 */
public final class KernelBuiltInKeys {

    public static final String ENTRY = "kernel:built-in-keys";

    private KernelBuiltInKeys() {
    }

    /** Whether a rule trusts the kernels' built-in keys. */
    public static boolean named(Policy.ModulesCheck check) {
        return check.trustedCertificates().contains(ENTRY);
    }
}
