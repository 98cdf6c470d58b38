package io.nodeimage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What each goal writes into {@code <outputDirectory>/<profile>/}, in the order of an image's life. A
 * goal that starts for a profile removes what it will write and what later goals made from the previous
 * run before it writes anything, so a failed or partial run never leaves a report or a certificate
 * beside an image they do not describe. Only these names are removed: anything else in the folder is
 * the user's.
 */
public final class ProfileOutputs {

    /** The goals that write into a profile's folder, in pipeline order. */
    public enum Stage {
        /** Render's files are named by the renderer itself (it knows every format); see {@link #remove}. */
        RENDER(List.of()),
        BUILD(List.of(BUILD_RECORD, "build-output.log", "build-output-bootc.log", "module-signing-mok.der",
                "module-signing-mok.pem", "module-signing-mok-bootc.der", "module-signing-mok-bootc.pem")),
        VERIFY(List.of(FACTS, "report.json", "junit.xml", "report.sarif", "summary.md", VERIFICATION, PUSHED)),
        // push writes PUSHED without removing later files: in Maven's lifecycle certify (verify phase) runs
        // before push (deploy phase), and a push must not take the certificate away. Verify removes it: a
        // record of an earlier push names an image verify may no longer have judged.
        CERTIFY(List.of(CERTIFICATE, CERTIFICATE_ENVELOPE, CERTIFICATE_SUMMARY, ATTACHED));

        private final List<String> files;

        Stage(List<String> files) {
            this.files = files;
        }

        public List<String> files() {
            return files;
        }
    }

    public static final String BUILD_RECORD = "build.json";
    public static final String FACTS = "facts.json";
    public static final String VERIFICATION = "verification.json";
    public static final String CERTIFICATE = "certificate.intoto.json";
    /** The statement in a signed DSSE envelope, one line, as in-toto's JSON Lines bundles hold it. */
    public static final String CERTIFICATE_ENVELOPE = "certificate.intoto.jsonl";
    public static final String CERTIFICATE_SUMMARY = "certificate.md";
    /** Where push put the image: the repository, tag and manifest digest (certify binds that digest). */
    public static final String PUSHED = "pushed.json";
    /** Where attach put the signed envelope: the artifact's manifest digest and how referrers find it. */
    public static final String ATTACHED = "attached.json";

    private ProfileOutputs() {
    }

    /**
     * Removes the files of {@code stage} and of every later stage.
     *
     * @return the names removed, in pipeline order (for the log)
     */
    public static List<String> removeFrom(Path dir, Stage stage) {
        return remove(dir, stage, List.of());
    }

    /**
     * Removes {@code ownFiles} (a stage's files its writer names, such as render's), then the files of
     * {@code stage} and of every later stage.
     *
     * @return the names removed, in that order
     */
    public static List<String> remove(Path dir, Stage stage, Collection<String> ownFiles) {
        List<String> names = new ArrayList<>(ownFiles);
        for (Stage s : Stage.values()) {
            if (s.compareTo(stage) >= 0) {
                names.addAll(s.files());
            }
        }
        return removeNamed(dir, names.toArray(String[]::new));
    }

    /**
     * Removes these files of a stage (named by nodeimage), such as a signed envelope an unsigned certify
     * does not write again.
     *
     * @return the names removed
     */
    public static List<String> removeNamed(Path dir, String... names) {
        List<String> removed = new ArrayList<>();
        for (String name : names) {
            // Names come from nodeimage, never from a user; a path would reach outside the folder.
            if (name.contains("/") || name.equals("..")) {
                throw new IllegalArgumentException("not a file name: " + name);
            }
            try {
                if (Files.deleteIfExists(dir.resolve(name))) {
                    removed.add(name);
                }
            } catch (IOException e) {
                throw new ConfigurationException("cannot remove " + dir.resolve(name) + " left by an earlier run: "
                        + e.getMessage(), "check that the output directory is writable, or remove the file", e);
            }
        }
        return removed;
    }
}
