package io.nodeimage.policy;

/**
 * Version ordering as the package managers define it: dpkg's (epoch, upstream, revision; '~' sorts
 * before everything, even the end) and rpm's (epoch, version, release, each by rpmvercmp). Both are
 * checked against the real tools on generated versions (VersionOrderTest).
 */
public final class VersionOrder {

    /** The two orders, so a range knows whose rules it follows. */
    public enum Scheme {
        DPKG, RPM;

        public int compare(String a, String b) {
            return this == RPM ? rpm(a, b) : dpkg(a, b);
        }
    }

    private VersionOrder() {
    }

    public static int dpkg(String a, String b) {
        String[] x = splitDebian(a);
        String[] y = splitDebian(b);
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        if (c != 0) {
            return c;
        }
        c = verrevcmp(x[1], y[1]);
        return c != 0 ? c : verrevcmp(x[2], y[2]);
    }

    private static String[] splitDebian(String v) {
        String epoch = "0";
        int colon = v.indexOf(':');
        if (colon > 0 && v.substring(0, colon).chars().allMatch(Character::isDigit)) {
            epoch = v.substring(0, colon);
            v = v.substring(colon + 1);
        }
        int dash = v.lastIndexOf('-');
        return dash < 0 ? new String[] {epoch, v, ""} : new String[] {epoch, v.substring(0, dash), v.substring(dash + 1)};
    }

    private static int order(char c) {
        if (Character.isDigit(c)) {
            return 0;
        }
        if (Character.isLetter(c)) {
            return c;
        }
        if (c == '~') {
            return -1;
        }
        return c + 256;
    }

    /** dpkg's verrevcmp. */
    private static int verrevcmp(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !Character.isDigit(a.charAt(i))) || (j < b.length() && !Character.isDigit(b.charAt(j)))) {
                int ac = i < a.length() ? order(a.charAt(i)) : 0;
                int bc = j < b.length() ? order(b.charAt(j)) : 0;
                if (ac != bc) {
                    return ac - bc;
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && Character.isDigit(a.charAt(i)) && j < b.length() && Character.isDigit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && Character.isDigit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && Character.isDigit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return firstDiff;
            }
        }
        return 0;
    }

    /**
     * rpm's order of two [epoch:]version[-release] strings, as rpm 4.18's {@code rpm.vercmp}: epochs (0
     * when absent), then versions, then releases (an absent release sorts before any), each by
     * {@link #rpmvercmp}. NVIDIA's RHEL driver packages carry an epoch: 3:580.95.05-1.el9 is newer than 570.
     */
    public static int rpm(String a, String b) {
        String[] x = splitRpm(a);
        String[] y = splitRpm(b);
        int c = rpmvercmp(x[0], y[0]);
        if (c == 0) {
            c = rpmvercmp(x[1], y[1]);
        }
        return c == 0 ? rpmvercmp(x[2], y[2]) : c;
    }

    /** Epoch (digits before ':', "0" when absent or empty), version, release (after the last '-', or ""). */
    static String[] splitRpm(String evr) {
        int digits = 0;
        while (digits < evr.length() && isDigit(evr.charAt(digits))) {
            digits++;
        }
        String epoch = "0";
        String rest = evr;
        if (digits < evr.length() && evr.charAt(digits) == ':') {
            epoch = digits == 0 ? "0" : evr.substring(0, digits);
            rest = evr.substring(digits + 1);
        }
        int dash = rest.lastIndexOf('-');
        return dash < 0 ? new String[] {epoch, rest, ""}
                : new String[] {epoch, rest.substring(0, dash), rest.substring(dash + 1)};
    }

    /** Whether the string names a release: a range bound without one is compared on epoch and version only. */
    static boolean hasRpmRelease(String evr) {
        return !splitRpm(evr)[2].isEmpty();
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /**
     * rpm's rpmvercmp on one epoch, version or release: segments of ASCII digits or letters, anything
     * else separates; '~' sorts before everything, even the end; '^' sorts after the end but before
     * anything else; numbers beat letters; the one with segments left over is newer.
     */
    public static int rpmvercmp(String a, String b) {
        if (a.equals(b)) {
            return 0;
        }
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            while (i < a.length() && !isDigit(a.charAt(i)) && !isAlpha(a.charAt(i)) && a.charAt(i) != '~' && a.charAt(i) != '^') {
                i++;
            }
            while (j < b.length() && !isDigit(b.charAt(j)) && !isAlpha(b.charAt(j)) && b.charAt(j) != '~' && b.charAt(j) != '^') {
                j++;
            }
            char ca = i < a.length() ? a.charAt(i) : 0;
            char cb = j < b.length() ? b.charAt(j) : 0;
            if (ca == '~' || cb == '~') {
                if (ca != '~') {
                    return 1;
                }
                if (cb != '~') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == '^' || cb == '^') {
                if (ca == 0) {
                    return -1;
                }
                if (cb == 0) {
                    return 1;
                }
                if (ca != '^') {
                    return 1;
                }
                if (cb != '^') {
                    return -1;
                }
                i++;
                j++;
                continue;
            }
            if (ca == 0 || cb == 0) {
                break;
            }
            boolean numeric = isDigit(ca);
            int si = i;
            int sj = j;
            while (i < a.length() && (numeric ? isDigit(a.charAt(i)) : isAlpha(a.charAt(i)))) {
                i++;
            }
            while (j < b.length() && (numeric ? isDigit(b.charAt(j)) : isAlpha(b.charAt(j)))) {
                j++;
            }
            if (sj == j) {
                // The segments differ in kind: numbers are newer than letters.
                return numeric ? 1 : -1;
            }
            String x = a.substring(si, i);
            String y = b.substring(sj, j);
            if (numeric) {
                x = x.replaceFirst("^0+", "");
                y = y.replaceFirst("^0+", "");
                if (x.length() != y.length()) {
                    return x.length() > y.length() ? 1 : -1;
                }
            }
            int c = x.compareTo(y);
            if (c != 0) {
                return c < 0 ? -1 : 1;
            }
        }
        boolean aLeft = i < a.length();
        boolean bLeft = j < b.length();
        return aLeft == bLeft ? 0 : aLeft ? 1 : -1;
    }

    /**
     * Whether a version satisfies a range such as ">=580", "<600", ">=580,<600" or "=535.183.01". In rpm
     * order a bound without a release is compared on epoch and version only, as rpm's own dependency
     * ranges are: "=535.183.01" matches 535.183.01-1.el9. "=580.95*" is a prefix, as apt and dnf take a
     * pin ending in '*': the version as written starts with 580.95 (in rpm, with or without its epoch).
     */
    public static boolean satisfies(String version, String range, Scheme order) {
        for (String part : range.split(",")) {
            String p = part.strip();
            String op = p.startsWith(">=") || p.startsWith("<=") || p.startsWith("==") ? p.substring(0, 2)
                    : p.startsWith(">") || p.startsWith("<") || p.startsWith("=") ? p.substring(0, 1) : "=";
            String bound = p.substring(op.equals("=") && !p.startsWith("=") ? 0 : op.length()).strip();
            if ((op.equals("=") || op.equals("==")) && bound.endsWith("*")) {
                String prefix = bound.substring(0, bound.length() - 1);
                boolean starts = version.startsWith(prefix) || order == Scheme.RPM && version.contains(":")
                        && version.substring(version.indexOf(':') + 1).startsWith(prefix);
                if (!starts) {
                    return false;
                }
                continue;
            }
            String judged = version;
            if (order == Scheme.RPM && !hasRpmRelease(bound)) {
                String[] evr = splitRpm(version);
                judged = evr[0] + ":" + evr[1];
            }
            int c = order.compare(judged, bound);
            boolean ok = switch (op) {
                case ">=" -> c >= 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
