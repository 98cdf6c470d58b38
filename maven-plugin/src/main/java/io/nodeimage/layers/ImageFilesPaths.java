package io.nodeimage.layers;

/** Paths inside an image or an archive: a link's target, clamped at the root. */
final class ImageFilesPaths {

    private ImageFilesPaths() {
    }

    static String resolve(String linkPath, String target) {
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
