package io.nodeimage.layers;

/**
 * The platform an image index is resolved for, as OCI names it (linux/amd64, linux/arm64/v8).
 *
 * @param variant null when any variant will do
 */
public record Platform(String os, String architecture, String variant) {

    /** The platform of this machine. */
    public static Platform host() {
        return ofArch(System.getProperty("os.arch"));
    }

    /** A platform from an architecture as a profile or the JDK names it (x86_64, amd64, aarch64, arm64). */
    public static Platform ofArch(String arch) {
        return switch (arch) {
            case "x86_64", "amd64" -> new Platform("linux", "amd64", null);
            case "aarch64", "arm64" -> new Platform("linux", "arm64", null);
            default -> new Platform("linux", arch, null);
        };
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
