package io.nodeimage.layers;

/** Paths inside an image or an archive. */
public final class ImagePaths {

    private ImagePaths() {
    }

    /** A link's target as an absolute path inside the image: absolute targets are the image's own root, and ".." stops there. */
    public static String resolve(String linkPath, String target) {
        String base = target.startsWith("/") ? "" : linkPath.substring(0, linkPath.lastIndexOf('/'));
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String part : (base + "/" + target).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    /**
     * Where {@code path} of a root file system unpacked at {@code root} is on disk, links followed inside
     * the root (an absolute target is the root's own, ".." stops at it): every link in the path's parents,
     * and the last part's too when {@code followLast}. The path returned may not exist. Empty for a loop of
     * links, which leads nowhere.
     */
    public static java.util.Optional<java.nio.file.Path> onDisk(java.nio.file.Path root, String path, boolean followLast) {
        String current = resolve("/", path);
        for (int hop = 0; hop < 40; hop++) {
            String[] parts = current.substring(1).split("/");
            String walked = "";
            String next = null;
            for (int i = 0; i < parts.length && !parts[0].isEmpty(); i++) {
                walked += "/" + parts[i];
                java.nio.file.Path p = root.resolve(walked.substring(1));
                if ((i < parts.length - 1 || followLast) && java.nio.file.Files.isSymbolicLink(p)) {
                    try {
                        next = resolve(walked, java.nio.file.Files.readSymbolicLink(p).toString())
                                + current.substring(walked.length());
                    } catch (java.io.IOException e) {
                        return java.util.Optional.of(p); // gone since: reads as absent
                    }
                    break;
                }
            }
            if (next == null) {
                return java.util.Optional.of(current.equals("/") ? root : root.resolve(current.substring(1)));
            }
            current = resolve("/", next);
        }
        return java.util.Optional.empty();
    }
}
