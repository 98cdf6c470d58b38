package io.nodeimage.render;

import io.nodeimage.AtomicFiles;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.profile.ResolvedProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per output directory, which source files each rendered profile was made from, so an
 * unchanged selection is recognised by hashing those files, without parsing any YAML. Anything not
 * exactly as remembered sends the caller down the full path.
 */
public final class RenderIndex {

    public static final String FILE = ".nodeimage-render-index";

    private RenderIndex() {
    }

    /**
     * The outcomes of a render that would change nothing, or empty when anything may have changed.
     *
     * @param header what else the output depends on: plugin version and render options
     */
    public static Optional<List<RenderService.Outcome>> upToDate(ProfileSources sources, List<String> names,
                                                                 Path outputDirectory, String header) {
        Path index = outputDirectory.resolve(FILE);
        if (names.isEmpty() || !Files.isRegularFile(index)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(header)) {
                return Optional.empty();
            }
            Map<String, String[]> entries = new HashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.split(" ");
                entries.put(fields[0], fields);
            }
            List<RenderService.Outcome> outcomes = new ArrayList<>();
            for (String name : names) {
                String[] entry = entries.get(name);
                if (entry == null || !sourcesUnchanged(sources, entry)) {
                    return Optional.empty();
                }
                if (entry[1].equals("abstract")) {
                    outcomes.add(new RenderService.Outcome(name, null, true, List.of(), true));
                    continue;
                }
                Path dir = outputDirectory.resolve(name);
                List<String> files = RenderService.unchangedFiles(dir, entry[2]);
                if (files == null) {
                    return Optional.empty();
                }
                outcomes.add(new RenderService.Outcome(name, dir, true, files, false));
            }
            return Optional.of(outcomes);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Records the profiles of this run: name, abstract or target, input digest, and source digests. */
    public static void write(ProfileSources sources, List<ResolvedProfile> profiles, Map<String, String> inputDigests,
                             Path outputDirectory, String header) {
        StringBuilder out = new StringBuilder(header).append('\n');
        for (ResolvedProfile p : profiles) {
            out.append(p.name()).append(' ').append(p.profile().isAbstract() ? "abstract" : "target").append(' ')
                    .append(inputDigests.getOrDefault(p.name(), "-"));
            for (String name : p.chain()) {
                ProfileSources.Source source = sources.find(name).orElseThrow();
                out.append(' ').append(name).append('=').append(sha256(sources.bytes(source)));
            }
            out.append('\n');
        }
        AtomicFiles.write(outputDirectory.resolve(FILE), out.toString());
    }

    private static boolean sourcesUnchanged(ProfileSources sources, String[] entry) {
        for (int i = 3; i < entry.length; i++) {
            int eq = entry[i].indexOf('=');
            Optional<ProfileSources.Source> source = sources.find(entry[i].substring(0, eq));
            if (source.isEmpty() || !sha256(sources.bytes(source.get())).equals(entry[i].substring(eq + 1))) {
                return false;
            }
        }
        return entry.length > 3;
    }

    static String sha256(byte[] bytes) {
        return io.nodeimage.Digests.sha256(bytes);
    }
}
