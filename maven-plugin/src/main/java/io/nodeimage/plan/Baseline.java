package io.nodeimage.plan;

import io.nodeimage.profile.Profile;
import io.nodeimage.profile.Profile.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * A hardening baseline expanded per OS into benchmark items. Each item keeps its benchmark id, which
 * emitters carry into the output as a comment and {@code hardening.exclude} refers to.
 */
final class Baseline {

    /** One benchmark item: a module to disable, a sysctl setting, or an SSH daemon setting. */
    record Item(String id, Kind kind, String key, String value, boolean level2) {
    }

    enum Kind { MODULE, SYSCTL, SSH }

    private Baseline() {
    }

    static List<Item> items(Profile.Baseline baseline, Profile.Os os) {
        if (baseline == Profile.Baseline.NONE) {
            return List.of();
        }
        boolean level2 = baseline == Profile.Baseline.CIS_LEVEL2_SERVER;
        List<Item> all = new ArrayList<>();
        all.addAll(modules(os));
        all.addAll(sysctl(os));
        all.addAll(ssh(os));
        return all.stream().filter(i -> level2 || !i.level2()).toList();
    }

    /** Benchmark id prefix, so the output says which benchmark an item comes from. */
    static String benchmark(Profile.Os os) {
        return switch (os.family()) {
            case UBUNTU -> "CIS Ubuntu " + os.release();
            case RHEL -> os.release().startsWith("10") ? "CIS RHEL 10" : "CIS RHEL 9";
            case DEBIAN -> "CIS Debian " + os.release();
        };
    }

    private static List<Item> modules(Profile.Os os) {
        String b = benchmark(os) + " ";
        if (os.family() == Family.RHEL) {
            // CIS Red Hat Enterprise Linux 9 Benchmark, section 1.1.1 and 3.2: squashfs is level 2
            // there, and there is no overlayfs item.
            return List.of(
                    new Item(b + "1.1.1.1", Kind.MODULE, "cramfs", null, false),
                    new Item(b + "1.1.1.2", Kind.MODULE, "freevxfs", null, false),
                    new Item(b + "1.1.1.3", Kind.MODULE, "hfs", null, false),
                    new Item(b + "1.1.1.4", Kind.MODULE, "hfsplus", null, false),
                    new Item(b + "1.1.1.5", Kind.MODULE, "jffs2", null, false),
                    new Item(b + "1.1.1.6", Kind.MODULE, "squashfs", null, true),
                    new Item(b + "1.1.1.7", Kind.MODULE, "udf", null, true),
                    new Item(b + "1.1.1.8", Kind.MODULE, "usb-storage", null, false),
                    new Item(b + "3.2.1", Kind.MODULE, "dccp", null, true),
                    new Item(b + "3.2.2", Kind.MODULE, "tipc", null, true),
                    new Item(b + "3.2.3", Kind.MODULE, "rds", null, true),
                    new Item(b + "3.2.4", Kind.MODULE, "sctp", null, true));
        }
        // CIS Ubuntu Linux 24.04 LTS Benchmark, sections 1.1.1 and 3.2 (Debian follows the same list).
        return List.of(
                new Item(b + "1.1.1.1", Kind.MODULE, "cramfs", null, false),
                new Item(b + "1.1.1.2", Kind.MODULE, "freevxfs", null, false),
                new Item(b + "1.1.1.3", Kind.MODULE, "hfs", null, false),
                new Item(b + "1.1.1.4", Kind.MODULE, "hfsplus", null, false),
                new Item(b + "1.1.1.5", Kind.MODULE, "jffs2", null, false),
                new Item(b + "1.1.1.6", Kind.MODULE, "overlay", null, true),
                new Item(b + "1.1.1.8", Kind.MODULE, "udf", null, true),
                new Item(b + "1.1.1.9", Kind.MODULE, "usb-storage", null, false),
                new Item(b + "3.2.1", Kind.MODULE, "dccp", null, true),
                new Item(b + "3.2.2", Kind.MODULE, "tipc", null, true),
                new Item(b + "3.2.3", Kind.MODULE, "rds", null, true),
                new Item(b + "3.2.4", Kind.MODULE, "sctp", null, true));
    }

    private static List<Item> sysctl(Profile.Os os) {
        String b = benchmark(os) + " ";
        // Section 3.3 (network parameters). net.ipv4.ip_forward=0 is left out on purpose: container
        // and Kubernetes nodes route pod traffic and need forwarding.
        return List.of(
                new Item(b + "3.3.2", Kind.SYSCTL, "net.ipv4.conf.all.send_redirects", "0", false),
                new Item(b + "3.3.2", Kind.SYSCTL, "net.ipv4.conf.default.send_redirects", "0", false),
                new Item(b + "3.3.3", Kind.SYSCTL, "net.ipv4.icmp_ignore_bogus_error_responses", "1", false),
                new Item(b + "3.3.4", Kind.SYSCTL, "net.ipv4.icmp_echo_ignore_broadcasts", "1", false),
                new Item(b + "3.3.5", Kind.SYSCTL, "net.ipv4.conf.all.accept_redirects", "0", false),
                new Item(b + "3.3.5", Kind.SYSCTL, "net.ipv4.conf.default.accept_redirects", "0", false),
                new Item(b + "3.3.6", Kind.SYSCTL, "net.ipv4.conf.all.secure_redirects", "0", false),
                new Item(b + "3.3.9", Kind.SYSCTL, "net.ipv4.conf.all.log_martians", "1", false),
                new Item(b + "3.3.10", Kind.SYSCTL, "net.ipv4.tcp_syncookies", "1", false),
                new Item(b + "1.5.1", Kind.SYSCTL, "kernel.randomize_va_space", "2", false),
                new Item(b + "1.5.2", Kind.SYSCTL, "kernel.yama.ptrace_scope", "1", false),
                new Item(b + "1.5.3", Kind.SYSCTL, "fs.suid_dumpable", "0", false));
    }

    private static List<Item> ssh(Profile.Os os) {
        String b = benchmark(os) + " ";
        // Section 5.1 (SSH server configuration), written as an sshd_config.d drop-in.
        return List.of(
                new Item(b + "5.1.7", Kind.SSH, "ClientAliveInterval", "15", false),
                new Item(b + "5.1.7", Kind.SSH, "ClientAliveCountMax", "3", false),
                new Item(b + "5.1.10", Kind.SSH, "HostbasedAuthentication", "no", false),
                new Item(b + "5.1.11", Kind.SSH, "IgnoreRhosts", "yes", false),
                new Item(b + "5.1.13", Kind.SSH, "LoginGraceTime", "60", false),
                new Item(b + "5.1.14", Kind.SSH, "LogLevel", "VERBOSE", false),
                new Item(b + "5.1.16", Kind.SSH, "MaxAuthTries", "4", false),
                new Item(b + "5.1.19", Kind.SSH, "PermitEmptyPasswords", "no", false),
                new Item(b + "5.1.20", Kind.SSH, "PermitRootLogin", "no", false),
                new Item(b + "5.1.22", Kind.SSH, "X11Forwarding", "no", false));
    }
}
