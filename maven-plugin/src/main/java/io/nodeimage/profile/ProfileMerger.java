package io.nodeimage.profile;

import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Lays a profile over the one it extends: mappings merge key by key, any other value replaces the
 * inherited one, and {@code key+: [...]} appends to the inherited list. Every node keeps the location
 * it was written at, so the result can say where each value came from.
 */
final class ProfileMerger {

    private final Problems problems;
    private final Problems warnings;

    /**
     * @param warnings where a list that replaces an inherited one with entries is noted: writing
     *     'cmdline:' where 'cmdline+:' was meant drops what the parent had (iommu=pt, openssh-server)
     */
    ProfileMerger(Problems problems, Problems warnings) {
        this.problems = problems;
        this.warnings = warnings;
    }

    YNode.Mapping merge(YNode.Mapping parent, YNode.Mapping child, String path) {
        List<YNode.Entry> entries = new ArrayList<>(parent.entries());
        for (YNode.Entry entry : child.entries()) {
            String name = entry.name();
            // 'install+' appends; 'install +' and 'cmdline++' are misspellings the binder names as such.
            boolean append = name.length() > 1 && name.endsWith("+")
                    && Character.isLetterOrDigit(name.charAt(name.length() - 2));
            String base = append ? name.substring(0, name.length() - 1) : name;
            String entryPath = KeyPath.key(path, base);
            if (append && child.entry(base).isPresent()) {
                problems.add(entry.key().location(), entryPath,
                        "both '" + base + "' and '" + name + "' are given", "use one of them");
                continue;
            }
            int at = indexOf(entries, base);
            YNode inherited = at < 0 ? null : entries.get(at).value();
            YNode value;
            if (append) {
                if (!(entry.value() instanceof YNode.Sequence added)) {
                    problems.add(entry.value().location(), entryPath,
                            "'" + name + "' appends a list, but its value is " + YNode.describe(entry.value()),
                            "write a list, or '" + base + ":' to replace");
                    continue;
                }
                if (inherited != null && !(inherited instanceof YNode.Sequence)) {
                    problems.add(entry.key().location(), entryPath,
                            "'+' appends to a list, but the inherited '" + base + "' is " + YNode.describe(inherited),
                            "write '" + base + ":' to replace it");
                    continue;
                }
                List<YNode> items = new ArrayList<>();
                if (inherited instanceof YNode.Sequence old) {
                    items.addAll(old.items());
                }
                items.addAll(normalize(added, entryPath).items());
                value = new YNode.Sequence(added.location(), items);
            } else if (inherited instanceof YNode.Mapping oldMap && entry.value() instanceof YNode.Mapping newMap) {
                value = merge(oldMap, newMap, entryPath);
            } else {
                value = normalize(entry.value(), entryPath);
                replaced(inherited, value, base, entryPath);
            }
            YNode.Entry merged = new YNode.Entry(new YNode.Scalar(entry.key().location(), base,
                    YNode.ScalarType.STRING), value);
            if (at < 0) {
                entries.add(merged);
            } else {
                entries.set(at, merged);
            }
        }
        return new YNode.Mapping(child.location(), entries);
    }

    /**
     * Notes a list that replaces an inherited one and leaves some of its entries out. An empty list
     * clears on purpose; a list that repeats every inherited entry drops nothing.
     */
    private void replaced(YNode inherited, YNode value, String key, String path) {
        if (!(inherited instanceof YNode.Sequence old) || !(value instanceof YNode.Sequence now)
                || now.items().isEmpty()) {
            return;
        }
        Set<String> kept = new HashSet<>();
        now.items().stream().filter(i -> i instanceof YNode.Scalar).forEach(i -> kept.add(((YNode.Scalar) i).text()));
        List<String> dropped = new ArrayList<>();
        for (YNode item : old.items()) {
            if (!(item instanceof YNode.Scalar s)) {
                dropped.add(YNode.describe(item));
            } else if (!kept.contains(s.text())) {
                dropped.add(s.text());
            }
        }
        if (dropped.isEmpty()) {
            return;
        }
        String shown = String.join(", ", dropped.subList(0, Math.min(5, dropped.size())))
                + (dropped.size() > 5 ? ", and " + (dropped.size() - 5) + " more" : "");
        warnings.add(now.location(), path, "replaces the inherited list written at " + old.location()
                + ", dropping [" + shown + "]",
                "write '" + key + "+:' to add to the inherited list; keep '" + key + ":' only if dropping them is meant");
    }

    /** A value written without a parent: 'key+' means 'key' at every depth. */
    private YNode normalize(YNode node, String path) {
        if (node instanceof YNode.Mapping map) {
            return merge(new YNode.Mapping(map.location(), List.of()), map, path);
        }
        if (node instanceof YNode.Sequence seq) {
            List<YNode> items = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                items.add(normalize(seq.items().get(i), KeyPath.index(path, i)));
            }
            return new YNode.Sequence(seq.location(), items);
        }
        return node;
    }

    private YNode.Sequence normalize(YNode.Sequence seq, String path) {
        return (YNode.Sequence) normalize((YNode) seq, path);
    }

    private static int indexOf(List<YNode.Entry> entries, String key) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).name().equals(key)) {
                return i;
            }
        }
        return -1;
    }
}
