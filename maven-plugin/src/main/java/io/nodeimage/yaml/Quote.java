package io.nodeimage.yaml;

/** Shows a user's value inside an error message without letting it break the message's line. */
public final class Quote {

    private static final int MAX_SHOWN = 80;

    private Quote() {
    }

    /** Control characters become escapes; long values are cut with an ellipsis. */
    public static String forMessage(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length() && out.length() < MAX_SHOWN; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (out.length() >= MAX_SHOWN && value.length() > MAX_SHOWN) {
            out.append("...");
        }
        return out.toString();
    }
}
