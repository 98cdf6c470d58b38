package io.nodeimage.yaml;

import java.util.regex.Pattern;

/**
 * The shapes a value may take in a profile or policy. Checking shape at load time is the first
 * defence against hostile values: none of these admits whitespace that could split a shell word,
 * quotes, {@code $}, backticks, {@code ;} or newlines, except {@link #TEXT}, which is only ever
 * written into files and comments by emitters, never into a command line.
 */
public enum Syntax {
    /** Profile and policy names; also what {@code extends} refers to, so no path can be formed. */
    NAME("[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?", 64,
            "a name: lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"),
    /** A kernel module name as modprobe knows it (MODULE_NAME_LEN is 56 with the NUL). */
    MODULE("[A-Za-z0-9_-]{1,55}", 55, "a kernel module name: letters, digits, '_' or '-'"),
    /** Debian and RPM package names alike. */
    PACKAGE("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}", 128,
            "a package name: letters, digits and '.', '_', '+', '-', starting with a letter or digit"),
    /** A package version to pin: Debian (epoch, '~') and RPM (release after '-') shapes; '*' at the end for a prefix. */
    VERSION("[0-9A-Za-z][0-9A-Za-z.+~:_-]{0,127}\\*?", 129,
            "a version such as 580.95.05-1 or 1:2.3~rc1, optionally ending in '*'"),
    /** A package name that may hold {branch} or {kernel}, filled in from the profile when planned. */
    PACKAGE_TEMPLATE("[A-Za-z0-9{][A-Za-z0-9._+{}-]{0,127}", 128,
            "a package name, optionally with {branch} or {kernel}, such as nvidia-driver-{branch}-server-open"),
    /** A certificate's common name that openssl's -subj takes literally: no '/', '=', '+' or quotes. */
    COMMON_NAME("[A-Za-z0-9][A-Za-z0-9 ._()-]{0,62}[A-Za-z0-9)]", 64,
            "a name of letters, digits, spaces and '.', '_', '-', '(', ')', such as \"Example GPU nodes MOK 2026\""),
    /** An IPv4 or IPv6 address, as IMEX's node list takes them. */
    IP_ADDRESS("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}", 39,
            "an IPv4 or IPv6 address such as 10.0.0.11 or fd00::11"),
    /** A port to open in the node's firewall: number and protocol. */
    FIREWALL_PORT("[0-9]{1,5}/(tcp|udp)", 9, "a port and protocol such as 50000/tcp"),
    /** A dnf module stream or versionlock pattern: package-name characters, ':', '*' and {branch}. */
    LOCK_PATTERN("[A-Za-z0-9*{][A-Za-z0-9._+*{}:-]{0,127}", 128,
            "a module stream or versionlock pattern such as nvidia-driver:{branch}-open or *nvidia*{branch}*"),
    /** An OpenPGP key fingerprint: 40 hex digits (v4) or 64 (v5, v6), upper case, no spaces. */
    FINGERPRINT("[0-9A-F]{40}|[0-9A-F]{64}", 64,
            "a key fingerprint of 40 (or 64) upper-case hex digits without spaces, as gpg --with-colons prints it"),
    /** A driver branch: a major version, optionally with a minor one (NVIDIA 580, ROCm 6.4). */
    BRANCH("[0-9]{1,4}(\\.[0-9]{1,4}){0,2}", 14, "a driver branch such as 580 or 6.4"),
    /** A systemd unit, with or without its suffix. */
    SERVICE("[A-Za-z0-9][A-Za-z0-9:_.@-]{0,254}", 255,
            "a systemd unit name such as nvidia-persistenced or chrony.service"),
    /** One kernel command-line argument: a word, optionally with '=' and a value. */
    KERNEL_ARG("[A-Za-z0-9_.-]+(=[A-Za-z0-9_.,:/+=-]*)?", 256,
            "a kernel argument such as iommu=pt or init_on_alloc=0 (no spaces or quotes)"),
    /** Module parameters as modprobe.d's 'options' line takes them: name=value words. */
    MODULE_OPTIONS("[A-Za-z0-9_]+=[A-Za-z0-9_.,:/-]*( [A-Za-z0-9_]+=[A-Za-z0-9_.,:/-]*)*", 1024,
            "module parameters such as 'NVreg_EnableGpuFirmware=1 NVreg_OpenRmEnableUnsupportedGpus=0'"),
    /**
     * A resctrl group: the directory made under /sys/fs/resctrl (Documentation/filesystems/resctrl.rst,
     * "Resource alloc and monitor groups"). The kernel's own names (info, mon_groups, mon_data) are refused by
     * the profile rules, not by this shape.
     */
    RESCTRL_GROUP("[a-z0-9][a-z0-9_-]{0,31}", 32,
            "a resctrl group name: lower-case letters, digits, '_' and '-', starting with a letter or digit, at most 32"),
    /** A cache allocation schemata value: cache id=capacity bitmask, ';'-separated (resctrl.rst, "L3 schemata file details"). */
    RESCTRL_CACHE("[0-9]{1,4}=[0-9a-fA-F]{1,16}(;[0-9]{1,4}=[0-9a-fA-F]{1,16}){0,255}", 4096,
            "cache domains and bitmasks such as \"0=00ff;1=00ff\" (domain id=hex capacity bitmask)"),
    /** A memory bandwidth schemata value: domain id=percent, ';'-separated (resctrl.rst, "Memory bandwidth Allocation"). */
    RESCTRL_BANDWIDTH("[0-9]{1,4}=[0-9]{1,3}(;[0-9]{1,4}=[0-9]{1,3}){0,255}", 2048,
            "memory bandwidth domains and percentages such as \"0=50;1=50\" (domain id=percent)"),
    /** A Linux kernel release series, such as 6.8 or 6.1.24. */
    KERNEL_RELEASE("[0-9]{1,2}\\.[0-9]{1,3}(\\.[0-9]{1,4})?", 12, "a kernel release such as 6.8 or 6.1.24"),
    SYSCTL_KEY("[a-z0-9_]+(\\.[A-Za-z0-9_-]+)+", 256, "a sysctl key such as kernel.kptr_restrict"),
    SYSCTL_VALUE("[A-Za-z0-9_.:,/-]+( [A-Za-z0-9_.:,/-]+)*", 256,
            "a sysctl value: words of letters, digits and '.', ':', ',', '/', '-' separated by single spaces"),
    /** An absolute path without '..', '//' or characters a shell or a glob would interpret. */
    PATH("(/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)+", 1024,
            "an absolute path of letters, digits and '.', '_', '-', '@', '+' without '..' or '//'"),
    FILE_MODE("0?[0-7]{3,4}", 5, "an octal file mode such as \"0644\" (quote it in YAML)"),
    USER("[a-z_][a-z0-9_-]{0,31}", 32, "a user or group name: lower-case letters, digits, '_' and '-'"),
    /**
     * A container image reference as the distribution reference grammar (distribution/reference, which
     * Docker, Podman and the registries share) defines it: an optional registry host with its port
     * ({@code registry.example.internal:5000/}, {@code localhost:5000/}, {@code [::1]:5000/}), a lower-case
     * repository path, an optional tag, an optional digest. Reaches only FROM lines and the engine's API.
     */
    IMAGE("(" + Grammar.DOMAIN + "/)?" + Grammar.PATH + "(:" + Grammar.TAG + ")?(@" + Grammar.DIGEST + ")?", 640,
            "an image reference such as ubuntu:24.04, registry.example.internal:5000/library/ubuntu:24.04 "
                    + "or ubuntu:24.04@sha256:<64 hex digits>; the repository path is lower-case"),
    /** A repository location: https, or mirror://ID/PATH resolved against the site's mirrors. */
    URL("(https://|mirror://)[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+-]*)*", 1024,
            "an https:// URL or mirror://<mirror id>/<path>"),
    /**
     * The distribution archive's location: {@link #URL}'s forms, or http:// for an internal mirror without TLS,
     * which the profile must allow (archive.allowHttp); apt and dnf still check what they fetch with the
     * distribution's keys.
     */
    ARCHIVE_URL("(https?://|mirror://)[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+-]*)*", 1024,
            "an https:// URL, mirror://<mirror id>/<path>, or http:// where archive.allowHttp allows it"),
    /** An identifier such as a model name or benchmark id. */
    WORD("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}", 64, "a word of letters, digits and '.', '_', '+', '-'"),
    /** A calendar day; the binder also checks that the day exists. */
    DATE("[0-9]{4}-[0-9]{2}-[0-9]{2}", 10, "a date written YYYY-MM-DD, such as 2027-03-31"),
    /**
     * A rule id, alone (a rule of the same policy) or as policy/rule (any rule a run judges); or a rule of
     * the image's own profile, which names its key and value (io.nodeimage.policy.ProfilePolicy).
     */
    RULE_REF("([a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?/)?[A-Za-z0-9][A-Za-z0-9._+-]{0,63}"
            + "|profile:[a-z][A-Za-z.]{0,39}/[A-Za-z0-9_.,:/@+=-]{1,1024}", 1064,
            "a rule id such as CIS-UBUNTU2404-1.1.1.1, or policy/rule such as cis-kernel-modules-ubuntu2404/CIS-UBUNTU2404-1.1.1.1, "
                    + "or a rule of the image's profile such as profile:sysctl/kernel.kptr_restrict"),
    /** A file relative to its document (a policy test) or the project (a profile's source): no leading '/', no '..'. */
    RELATIVE_PATH("[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)*", 512,
            "a relative path such as certs/site-modules.pem, without a leading '/' or '..'"),
    /**
     * A certificate file a policy trusts, relative to the policy, or the reserved entry for the run's site
     * module signers (io.nodeimage.policy.SiteSigners#ENTRY): a ':' can be in no relative path, so no file
     * can be taken for it.
     */
    TRUSTED_CERTIFICATE("site:module-signers|kernel:built-in-keys|[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*(/[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*)*", 512,
            "a path relative to the policy file, such as certs/site-modules.pem, without '..'; or site:module-signers, "
                    + "the certificates the run is given (nodeimage.trustedModuleSigners); or kernel:built-in-keys, the keys built into "
                    + "the kernel image of each module tree"),
    /** A web address for people to read: a reference or a vendor's guide. */
    WEB_URL("https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%+!$&'()*,;=:@/?#-]*)?", 2048,
            "an http(s):// address without spaces"),
    /** A name pattern: '*' any run of characters, '?' one. */
    GLOB("[A-Za-z0-9.*?_+-]{1,64}", 64, "a name or glob of letters, digits, '.', '_', '+', '-', '*' and '?'"),
    /**
     * Free text for descriptions and file contents; never placed on a command line. C1 controls and
     * U+2028, U+2029 and U+FEFF are refused too: YAML loaders reject or fold them, and line-splitting
     * readers (Python's, JavaScript's) take the separators for line ends, so they would change a file.
     */
    TEXT("(?s)[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff]*", 65536,
            "text without control characters (C0, DEL, C1) or U+2028, U+2029, U+FEFF"),
    /** A line of free text such as a title or a reason: no newlines. */
    LINE("[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff]*", 512,
            "one line of text without control characters (C0, DEL, C1) or U+2028, U+2029, U+FEFF");

    private final Pattern pattern;
    private final int maxLength;
    private final String description;

    Syntax(String regex, int maxLength, String description) {
        this.pattern = Pattern.compile(regex);
        this.maxLength = maxLength;
        this.description = description;
    }

    public boolean accepts(String value) {
        return value.length() <= maxLength && pattern.matcher(value).matches() && noDotDot(value)
                && (this != IMAGE || Grammar.nameLength(value) <= Grammar.NAME_MAX);
    }

    /** The parts of the distribution reference grammar (distribution/reference, reference.go). */
    private static final class Grammar {
        static final String DOMAIN_COMPONENT = "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        /** A host name (an IPv4 address is one too) or an IPv6 address in brackets, then an optional port. */
        static final String DOMAIN = "(" + DOMAIN_COMPONENT + "(\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])"
                + "(:[0-9]+)?";
        static final String PATH_COMPONENT = "[a-z0-9]+(([_.]|__|-+)[a-z0-9]+)*";
        static final String PATH = PATH_COMPONENT + "(/" + PATH_COMPONENT + ")*";
        static final String TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
        static final String DIGEST = "[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        /** Registries refuse names (registry and repository, without tag and digest) longer than this. */
        static final int NAME_MAX = 255;

        /** The length of the name: up to the digest's '@' and the tag's ':' (a ':' after the last '/'). */
        static int nameLength(String reference) {
            int at = reference.indexOf('@');
            String name = at < 0 ? reference : reference.substring(0, at);
            int colon = name.lastIndexOf(':');
            return colon > name.lastIndexOf('/') ? colon : name.length();
        }
    }

    private boolean noDotDot(String value) {
        if (this == RELATIVE_PATH || this == TRUSTED_CERTIFICATE) {
            return !("/" + value + "/").contains("/../") && !("/" + value + "/").contains("/./");
        }
        return this != PATH || !(value.contains("/../") || value.endsWith("/..") || value.contains("/./")
                || value.endsWith("/."));
    }

    /** The regular expression, as published in the JSON Schema. */
    public String regex() {
        return pattern.pattern().replace("(?s)", "");
    }

    public int maxLength() {
        return maxLength;
    }

    public String description() {
        return description;
    }
}
