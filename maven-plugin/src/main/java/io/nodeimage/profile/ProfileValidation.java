package io.nodeimage.profile;

import io.nodeimage.ViolationException;
import io.nodeimage.yaml.Problem;
import io.nodeimage.yaml.Problems;
import java.util.List;
import java.util.Set;

/** Checks a selection of profiles and reports every problem of every one of them together. */
public final class ProfileValidation {

    private ProfileValidation() {
    }

    /**
     * What validation found; {@code checked} names every profile looked at, valid or not; warnings do
     * not fail validation.
     */
    public record Report(List<String> checked, List<ResolvedProfile> valid, List<Problem> problems,
                         List<Problem> warnings) {
        public Report {
            checked = List.copyOf(checked);
            valid = List.copyOf(valid);
            problems = List.copyOf(problems);
            warnings = List.copyOf(warnings);
        }

        public boolean passed() {
            return problems.isEmpty();
        }
    }

    /** @param mirrorIds the mirror ids the build configures, which mirror:// URLs may name */
    public static Report run(ProfileSources sources, List<String> selection, boolean includeCatalog,
                             Set<String> mirrorIds) {
        return run(sources, selection, includeCatalog, new ProfileResolver(sources, mirrorIds));
    }

    /** @param mirrors the build's mirrors, base URL by id, as render resolves mirror:// URLs against them */
    public static Report run(ProfileSources sources, List<String> selection, boolean includeCatalog,
                             java.util.Map<String, String> mirrors) {
        return run(sources, selection, includeCatalog, mirrors, TargetCheck.NONE);
    }

    /**
     * @param target what the profile cannot know itself (the vendor data's kernel releases), run on every profile
     *     that passes its own rules
     */
    public static Report run(ProfileSources sources, List<String> selection, boolean includeCatalog,
                             java.util.Map<String, String> mirrors, TargetCheck target) {
        return run(sources, selection, includeCatalog, new ProfileResolver(sources, mirrors), target);
    }

    private static Report run(ProfileSources sources, List<String> selection, boolean includeCatalog,
                              ProfileResolver resolver) {
        return run(sources, selection, includeCatalog, resolver, TargetCheck.NONE);
    }

    private static Report run(ProfileSources sources, List<String> selection, boolean includeCatalog,
                              ProfileResolver resolver, TargetCheck target) {
        ProfileSelection.Selected selected = ProfileSelection.select(sources, selection, includeCatalog);
        ProfileResolver.Result result = resolver.check(selected.names());
        Problems problems = new Problems();
        problems.addAll(selected.problems());
        problems.addAll(result.problems());
        List<ResolvedProfile> valid = new java.util.ArrayList<>();
        for (ResolvedProfile r : result.profiles()) {
            Problems own = new Problems();
            target.check(r.profile(), r.tree(), own);
            problems.addAll(own.list());
            if (own.isEmpty()) {
                valid.add(r);
            }
        }
        return new Report(selected.names(), valid, problems.list(), result.warnings());
    }

    /** Throws a violation listing every problem when the report has any. */
    public static Report requirePassed(Report report) {
        if (!report.passed()) {
            StringBuilder message = new StringBuilder()
                    .append(report.problems().size()).append(report.problems().size() == 1 ? " problem" : " problems")
                    .append(" in ").append(report.checked().size() - report.valid().size()).append(" of ")
                    .append(report.checked().size()).append(" profiles:");
            for (Problem p : report.problems()) {
                message.append(System.lineSeparator()).append("  ").append(p.format());
            }
            throw new ViolationException(message.toString(),
                    "fix each one at the file:line:column shown; docs/profiles.md describes every key");
        }
        return report;
    }
}
