package io.nodeimage.yaml;

import io.nodeimage.ConfigurationException;
import java.util.List;

/** A YAML source could not be read or does not fit its model; carries every problem found. */
public class YamlException extends ConfigurationException {

    private final List<Problem> problems;

    public YamlException(String summary, List<Problem> problems, String hint) {
        super(summary + System.lineSeparator() + render(problems), hint);
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String render(List<Problem> problems) {
        StringBuilder out = new StringBuilder();
        for (Problem p : problems) {
            if (out.length() > 0) {
                out.append(System.lineSeparator());
            }
            out.append("  ").append(p.format());
        }
        return out.toString();
    }
}
