package io.nodeimage.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which step of provision.sh failed, from the line its error trap prints, told as the comment the
 * renderer put above that step: its reason and the profile lines its values come from. A build engineer
 * changes the profile, not the rendered file that says "Do not edit".
 */
final class FailedStep {

    private static final Pattern TRAPPED = Pattern.compile("provision\\.sh: line (\\d+) failed \\(exit status (\\d+)\\)");
    private static final Pattern PHASE = Pattern.compile("^phase_([a-z]+)\\(\\) \\{$");
    private static final Pattern COMMENT = Pattern.compile("^  # (.+)$");

    private FailedStep() {
    }

    /**
     * "provision.sh line 57 (phase packages), the step for packages.install: profiles/site.yaml:12", or empty
     * when the output names no line of the script (a failure outside it) or the script cannot be read.
     */
    static Optional<String> describe(String output, Path script) {
        Matcher m = TRAPPED.matcher(output);
        int line = m.find() ? Integer.parseInt(m.group(1)) : -1;
        if (line < 1 || !Files.isRegularFile(script)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(script);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (line > lines.size()) {
            return Optional.empty();
        }
        String why = null;
        for (int i = line - 1; i >= 0; i--) {
            String text = lines.get(i);
            Matcher c = COMMENT.matcher(text);
            // A shellcheck directive sits between a step's comment and its command (write_file of text with '$').
            if (why == null && c.matches() && !c.group(1).startsWith("shellcheck ")) {
                why = c.group(1);
            }
            Matcher phase = PHASE.matcher(text);
            if (phase.matches()) {
                return Optional.of("provision.sh line " + line + " (phase " + phase.group(1) + ")"
                        + (why == null ? "" : ", the step for " + why));
            }
        }
        return Optional.of("provision.sh line " + line + (why == null ? "" : ", the step for " + why));
    }
}
