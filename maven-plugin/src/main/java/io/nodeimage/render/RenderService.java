package io.nodeimage.render;

import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import io.nodeimage.ProfileOutputs;
import io.nodeimage.Version;
import io.nodeimage.profile.EffectiveProfile;
import io.nodeimage.profile.ResolvedProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders profiles into {@code <outputDirectory>/<profile>/}. Everything is rendered in memory first,
 * so a failure leaves every previous output as it was; files are then replaced one by one, atomically.
 * A profile whose inputs (its resolved content, the plugin version, the options) and outputs are as the
 * last render left them is skipped.
 */
public final class RenderService {

    /** Written last in each profile's folder: the input digest and a digest per rendered file. */
    public static final String MANIFEST = ".nodeimage-render";

    private final Renderer renderer;
    private final String options;
    private final Map<String, String> mirrors;

    public RenderService(Map<String, String> mirrors, boolean strict) {
        this(mirrors, strict, io.nodeimage.plan.VendorCatalog.bundled());
    }

    /** @param vendor the vendor data plans are made from; its digest is part of every render's inputs */
    public RenderService(Map<String, String> mirrors, boolean strict, io.nodeimage.plan.VendorCatalog vendor) {
        this.renderer = new Renderer(mirrors, strict, vendor);
        this.mirrors = Map.copyOf(mirrors);
        this.options = "strict=" + strict + " mirrors=" + new TreeMap<>(mirrors) + " vendor=" + vendor.digest();
    }

    /**
     * What happened to one profile; abstract profiles are bases and are never rendered.
     *
     * @param stale files of earlier runs this render removed and did not write again: rendered files of
     *     a dropped output, and the build record, reports and certificate made from the previous render
     */
    public record Outcome(String profile, Path directory, boolean unchanged, List<String> files, boolean isAbstract,
                          List<String> stale) {
        public Outcome {
            stale = List.copyOf(stale);
        }

        public Outcome(String profile, Path directory, boolean unchanged, List<String> files, boolean isAbstract) {
            this(profile, directory, unchanged, files, isAbstract, List.of());
        }
    }

    /** Everything besides a profile's content that its output depends on. */
    public String header() {
        return "nodeimage " + Version.current() + " " + options.replace('\n', ' ');
    }

    /**
     * Renders the selected profiles, or recognises from the sources alone that nothing would change.
     * Abstract profiles are reported, not rendered.
     */
    public List<Outcome> renderSelection(io.nodeimage.profile.ProfileSources sources, List<String> names,
                                         Path outputDirectory) {
        java.util.Optional<List<Outcome>> current = RenderIndex.upToDate(sources, names, outputDirectory, header());
        if (current.isPresent()) {
            return current.get();
        }
        // With the mirrors known, a mirror:// URL naming another is reported at its line, before any plan.
        List<ResolvedProfile> resolved = new io.nodeimage.profile.ProfileResolver(sources, mirrors).resolveAll(names);
        List<ResolvedProfile> targets = resolved.stream().filter(p -> !p.profile().isAbstract()).toList();
        List<Outcome> outcomes = new ArrayList<>(render(targets, outputDirectory));
        Map<String, String> digests = new java.util.HashMap<>();
        targets.forEach(p -> digests.put(p.name(), inputDigest(p)));
        resolved.stream().filter(p -> p.profile().isAbstract())
                .forEach(p -> outcomes.add(new Outcome(p.name(), null, false, List.of(), true)));
        outcomes.sort((a, b) -> a.profile().compareTo(b.profile()));
        RenderIndex.write(sources, resolved, digests, outputDirectory, header());
        return outcomes;
    }

    public List<Outcome> render(List<ResolvedProfile> profiles, Path outputDirectory) {
        Map<ResolvedProfile, String> digests = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        Map<ResolvedProfile, Map<String, String>> rendered = new LinkedHashMap<>();
        for (ResolvedProfile p : profiles) {
            String digest = inputDigest(p);
            digests.put(p, digest);
            Path dir = outputDirectory.resolve(p.name());
            List<String> current = unchangedFiles(dir, digest);
            if (current != null) {
                outcomes.add(new Outcome(p.name(), dir, true, current, false));
            } else {
                rendered.put(p, renderer.render(p));
            }
        }
        for (Map.Entry<ResolvedProfile, Map<String, String>> e : rendered.entrySet()) {
            Path dir = outputDirectory.resolve(e.getKey().name());
            List<String> stale = write(dir, e.getValue(), digests.get(e.getKey()));
            outcomes.add(new Outcome(e.getKey().name(), dir, false, List.copyOf(e.getValue().keySet()), false, stale));
        }
        outcomes.sort((a, b) -> a.profile().compareTo(b.profile()));
        return outcomes;
    }

    /** The files the last render of a profile wrote, by name, as its manifest lists them; empty when none. */
    public static List<String> renderedFiles(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        List<String> out = new ArrayList<>();
        try {
            if (Files.isRegularFile(manifest)) {
                for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
                    if (!line.startsWith("inputs ") && line.indexOf(' ') > 0) {
                        out.add(line.substring(line.indexOf(' ') + 1));
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    String inputDigest(ResolvedProfile p) {
        return sha256("nodeimage " + Version.current() + "\n" + options + "\n" + EffectiveProfile.toYaml(p, false));
    }

    /** The files of the last render when its inputs were these and no file was changed since; else null. */
    static List<String> unchangedFiles(Path dir, String digest) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals("inputs " + digest)) {
                return null;
            }
            List<String> files = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                int space = line.indexOf(' ');
                String name = line.substring(space + 1);
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file) || !sha256(Files.readString(file, StandardCharsets.UTF_8))
                        .equals(line.substring(0, space))) {
                    return null;
                }
                files.add(name);
            }
            return files;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Removes what the previous render wrote (every file a render can write, and any other its manifest
     * lists), and what was made from it (build record, reports, certificate), then writes this render.
     * Files nodeimage does not write stay.
     *
     * @return the files removed that this render does not write again
     */
    private static List<String> write(Path dir, Map<String, String> files, String digest) {
        java.util.Set<String> previous = new java.util.LinkedHashSet<>(Renderer.FILES);
        renderedFiles(dir).stream().filter(n -> !n.contains("/") && !n.startsWith(".")).forEach(previous::add);
        previous.add(MANIFEST);
        List<String> removed = ProfileOutputs.remove(dir, ProfileOutputs.Stage.RENDER, previous);
        StringBuilder lines = new StringBuilder("inputs ").append(digest).append('\n');
        for (Map.Entry<String, String> f : files.entrySet()) {
            AtomicFiles.write(dir.resolve(f.getKey()), f.getValue());
            lines.append(sha256(f.getValue())).append(' ').append(f.getKey()).append('\n');
        }
        AtomicFiles.write(dir.resolve(MANIFEST), lines.toString());
        return removed.stream().filter(n -> !files.containsKey(n) && !n.equals(MANIFEST)).toList();
    }

    static String sha256(String text) {
        return RenderIndex.sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
