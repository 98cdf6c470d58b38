package io.nodeimage.policy;

import io.nodeimage.Digests;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Policies that come from one place: the project's folder, the bundled catalog, or a git repository the
 * security team owns. Its digest covers every file's name and bytes, so any edit changes it.
 *
 * @param version the project's version, the catalog's (the tool's), or the git ref
 * @param commit the git commit the files came from; null when not from a fetched repository
 */
public record PolicySet(String name, String version, String commit, List<LoadedPolicy> policies) {

    public PolicySet {
        policies = List.copyOf(policies);
    }

    /** SHA-256 over "digest  file" lines in file order: the set as a whole. */
    public String digest() {
        Map<String, String> files = new TreeMap<>();
        policies.forEach(p -> files.put(p.file(), p.digest()));
        return digest(files);
    }

    /** The set digest of files (shown name to SHA-256), as {@link #digest()} computes it. */
    public static String digest(Map<String, String> files) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(files).forEach((file, sha) -> lines.append(sha).append("  ").append(file).append('\n'));
        return Digests.sha256(lines.toString());
    }

    public static List<LoadedPolicy> flatten(List<PolicySet> sets) {
        return sets.stream().flatMap(s -> s.policies().stream()).toList();
    }
}
