package io.nodeimage.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Compares output with a reviewed file and shows the first differing lines. Regenerate on purpose
 * only, with -Dnodeimage.updateGoldens=true, and review the diff like code.
 */
public final class Golden {

    private Golden() {
    }

    public static void assertMatches(Path golden, String actual) throws IOException {
        if (RepositoryFiles.updateGoldens()) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual);
            return;
        }
        if (!Files.exists(golden)) {
            fail("golden file " + golden + " is missing; create it with -Dnodeimage.updateGoldens=true and review it");
        }
        String expected = Files.readString(golden);
        if (expected.equals(actual)) {
            return;
        }
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        StringBuilder diff = new StringBuilder("output differs from " + golden + ":\n");
        int shown = 0;
        for (int i = 0; i < Math.max(e.size(), a.size()) && shown < 20; i++) {
            String el = i < e.size() ? e.get(i) : "<end of file>";
            String al = i < a.size() ? a.get(i) : "<end of file>";
            if (!el.equals(al)) {
                diff.append(String.format("line %d%n  expected: %s%n  actual:   %s%n", i + 1, el, al));
                shown++;
            }
        }
        if (shown == 0) {
            diff.append("(line endings or the final newline differ)\n");
        }
        fail(diff + "regenerate with -Dnodeimage.updateGoldens=true only if the change is intended");
    }
}
