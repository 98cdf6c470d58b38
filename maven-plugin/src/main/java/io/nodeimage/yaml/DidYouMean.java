package io.nodeimage.yaml;

import java.util.Collection;
import java.util.Optional;

/** Suggests the known word closest to a misspelt one, when it is close enough to be a typo. */
public final class DidYouMean {

    private DidYouMean() {
    }

    public static Optional<String> closest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(typed.toLowerCase(java.util.Locale.ROOT),
                    candidate.toLowerCase(java.util.Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0)) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        // One- and two-letter words are too short for a typo to be told from another word.
        int allowed = typed.length() <= 2 ? 0 : Math.max(1, Math.min(3, typed.length() / 3));
        boolean prefix = typed.length() >= 3 && best.toLowerCase(java.util.Locale.ROOT)
                .startsWith(typed.toLowerCase(java.util.Locale.ROOT));
        return bestDistance <= allowed || prefix ? Optional.of(best) : Optional.empty();
    }

    /** A hint such as "did you mean 'modules'?", or the list of choices when nothing is close. */
    public static String hint(String typed, Collection<String> known) {
        return closest(typed, known)
                .map(s -> "did you mean '" + s + "'?")
                .orElseGet(() -> "expected one of: " + String.join(", ", known.stream().sorted().toList()));
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
