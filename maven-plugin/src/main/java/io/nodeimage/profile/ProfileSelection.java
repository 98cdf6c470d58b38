package io.nodeimage.profile;

import io.nodeimage.yaml.DidYouMean;
import io.nodeimage.yaml.Location;
import io.nodeimage.yaml.Problem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the user's selection ({@code nodeimage.profiles}: names or globs, comma-separated) into
 * profile names. No selection means every profile in the project's folder; names and globs also
 * reach the bundled catalog, and {@code includeCatalog} adds all of the catalog.
 */
public final class ProfileSelection {

    private ProfileSelection() {
    }

    /** The names selected, in a stable order, with a problem for every pattern that matched nothing. */
    public record Selected(List<String> names, List<Problem> problems) {
        public Selected {
            names = List.copyOf(names);
            problems = List.copyOf(problems);
        }
    }

    public static Selected select(ProfileSources sources, List<String> patterns, boolean includeCatalog) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        List<Problem> problems = new ArrayList<>();
        List<String> wanted = patterns == null ? List.of() : patterns.stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (wanted.isEmpty()) {
            names.addAll(sources.projectNames());
        }
        if (includeCatalog) {
            names.addAll(sources.catalogNames());
        }
        for (String pattern : wanted) {
            Pattern glob = glob(pattern);
            List<String> matched = sources.allNames().stream().filter(n -> glob.matcher(n).matches()).toList();
            if (matched.isEmpty()) {
                problems.add(new Problem(Location.startOf("nodeimage.profiles"), "",
                        "'" + pattern + "' matches no profile in the project's folder or the bundled catalog",
                        DidYouMean.hint(pattern, sources.allNames())));
            }
            names.addAll(matched);
        }
        return new Selected(new ArrayList<>(names), problems);
    }

    /** '*' matches any run of characters, '?' one; everything else is literal. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
