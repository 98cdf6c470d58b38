package io.nodeimage.plan;

import io.nodeimage.ConfigurationException;
import io.nodeimage.image.BuildService;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.yaml.Json;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profiles a CI pipeline fans out over, one entry each, sorted by name so that the output is the
 * same whatever order the selection named them in. Never empty: GitHub rejects a matrix without
 * entries and GitLab a child pipeline without jobs, so an empty selection is refused here, where the
 * message can say why.
 */
public final class CiMatrix {

    /** The command each profile's job runs: renders, builds, verifies and certifies its image. */
    public static final String VERIFY_COMMAND = "./mvnw -B verify -Dnodeimage.profiles=";

    private final List<Entry> entries;

    /** One profile's job: its name, OS and the image it builds. */
    public record Entry(String profile, String family, String release, String arch, String image) {
    }

    private CiMatrix(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * The matrix of the given profiles (abstract ones already left out).
     *
     * @throws ConfigurationException when there is no profile to build
     */
    public static CiMatrix of(List<ResolvedProfile> targets, String repository, String tag, List<String> selection) {
        if (targets.isEmpty()) {
            throw new ConfigurationException(
                    "no profile to build: " + (selection.isEmpty() ? "the profiles directory holds none"
                            : "the selection " + selection + " names none that builds an image (abstract ones do not)"),
                    "a CI matrix needs at least one entry; select profiles with -Dnodeimage.profiles=<name or glob>,"
                            + " or leave the matrix job out");
        }
        return new CiMatrix(targets.stream().sorted(Comparator.comparing(ResolvedProfile::name))
                .map(p -> new Entry(p.name(), p.profile().os().family().yamlName(), p.profile().os().release(),
                        p.profile().os().arch().yamlName(), BuildService.imageName(repository, p.name(), tag)))
                .toList());
    }

    public List<Entry> entries() {
        return entries;
    }

    /** GitHub Actions' {@code strategy.matrix} on one line: {@code {"include": [{"profile": ...}, ...]}}. */
    public String githubJson() {
        return Json.writeLine(Map.of("include", entries.stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("profile", e.profile());
            entry.put("family", e.family());
            entry.put("release", e.release());
            entry.put("arch", e.arch());
            entry.put("image", e.image());
            return (Object) entry;
        }).toList()));
    }

    /**
     * A GitLab child pipeline: one job {@code image-<profile>} a profile, running {@link #VERIFY_COMMAND}
     * and keeping the profile's reports. Every scalar is a double-quoted string, so no profile name can
     * change the document's shape.
     */
    public String gitlabPipeline() {
        StringBuilder yaml = new StringBuilder("# Written by nodeimage:matrix: one job a profile.\n");
        for (Entry e : entries) {
            String dir = "target/nodeimage/" + e.profile() + "/";
            yaml.append(Json.quote("image-" + e.profile())).append(":\n")
                    .append("  script:\n")
                    .append("    - ").append(Json.quote(VERIFY_COMMAND + e.profile())).append('\n')
                    .append("  artifacts:\n")
                    .append("    when: always\n")
                    .append("    paths:\n")
                    .append("      - ").append(Json.quote(dir)).append('\n')
                    .append("    reports:\n")
                    .append("      junit: ").append(Json.quote(dir + "junit.xml")).append('\n');
        }
        return yaml.toString();
    }
}
