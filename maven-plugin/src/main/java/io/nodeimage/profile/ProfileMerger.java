package io.nodeimage.profile;

import io.nodeimage.yaml.KeyPath;
import io.nodeimage.yaml.Problems;
import io.nodeimage.yaml.YNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays a profile over the one it extends: mappings merge key by key, any other value replaces the
 * inherited one, and {@code key+: [...]} appends to the inherited list. Every node keeps the location
 * it was written at, so the result can say where each value came from.
 */
final class ProfileMerger {

    private final Problems problems;

    ProfileMerger(Problems problems) {
        this.problems = problems;
    }

    YNode.Mapping merge(YNode.Mapping parent, YNode.Mapping child, String path) {
        List<YNode.Entry> entries = new ArrayList<>(parent.entries());
        for (YNode.Entry entry : child.entries()) {
            String name = entry.name();
            boolean append = name.endsWith("+") && name.length() > 1;
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
