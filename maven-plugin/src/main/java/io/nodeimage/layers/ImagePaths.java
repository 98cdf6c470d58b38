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
}
