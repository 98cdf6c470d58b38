package io.nodeimage.image;

import com.github.dockerjava.api.DockerClient;
import io.nodeimage.AtomicFiles;
import io.nodeimage.ConfigurationException;
import io.nodeimage.NodeimageException;
import io.nodeimage.ProfileOutputs;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.provenance.Inputs;
import io.nodeimage.yaml.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Builds the rendered Containerfile of each profile (and its bootc Containerfile where the bootc base
 * is in the engine), tags it {@code <repository>/<profile>:<tag>} ({@code <profile>-bootc} for bootc),
 * and records what was built in {@code <outputDirectory>/<profile>/build.json}. Independent profiles
 * build side by side, up to a limit; one failure does not stop the others, and fails the whole.
 */
public final class BuildService {

    public static final String RECORD = io.nodeimage.ProfileOutputs.BUILD_RECORD;
    static final String CONTAINERFILE = "Containerfile";
    static final String BOOTC_CONTAINERFILE = "Containerfile.bootc";

    /** Values every image gets as labels; null entries are left out. */
    public record Stamp(String source, String revision, Instant created, String sourceDateEpoch) {
    }

    public record Built(String profile, String image, String imageId, String bootcImage, String bootcImageId,
                        List<String> notes) {
    }

    private final DockerClient docker;
    private final String repository;
    private final String tag;
    private final Stamp stamp;
    private final int parallel;

    public BuildService(DockerClient docker, String repository, String tag, Stamp stamp, int parallel) {
        this.docker = docker;
        this.repository = repository;
        this.tag = tag;
        this.stamp = stamp;
        this.parallel = Math.max(1, parallel);
    }

    /** Every profile that failed in one run, each with its own message and hint: one fix per run, not one per profile. */
    public static final class SeveralFailed extends NodeimageException {
        private static final long serialVersionUID = 1L;

        SeveralFailed(List<NodeimageException> failed, int built) {
            super(failed.size() + " profiles failed to build (" + built + " built):" + failed.stream()
                            .map(f -> System.lineSeparator() + "- " + f.getMessage().replace(System.lineSeparator(),
                                    System.lineSeparator() + "  ") + (f.hint().isEmpty() ? "" : System.lineSeparator()
                                    + "  Hint: " + f.hint()))
                            .collect(java.util.stream.Collectors.joining()),
                    "fix each profile above and build again; the images of earlier builds keep their tags");
        }
    }

    public static String imageName(String repository, String profile, String tag) {
        return repository + "/" + profile + ":" + tag;
    }

    public List<Built> build(List<ResolvedProfile> profiles, Path outputDirectory, Consumer<String> log) {
        for (ResolvedProfile p : profiles) {
            if (!Files.isRegularFile(outputDirectory.resolve(p.name()).resolve(CONTAINERFILE))) {
                throw new ConfigurationException("profile " + p.name() + " has no rendered Containerfile in "
                        + outputDirectory.resolve(p.name()), "run nodeimage:render first (bound to generate-resources), "
                        + "and list containerfile in the profile's outputs");
            }
        }
        requireBases(profiles);
        // The reports and certificate of the previous image would describe an image this run replaces.
        for (ResolvedProfile p : profiles) {
            List<String> removed = ProfileOutputs.removeFrom(outputDirectory.resolve(p.name()), ProfileOutputs.Stage.BUILD);
            if (!removed.isEmpty()) {
                log.accept("[" + p.name() + "] removed " + String.join(", ", removed) + " (made from the previous image)");
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, profiles.size())), r -> {
            Thread t = new Thread(r, "nodeimage-build");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Built>> futures = new ArrayList<>();
            for (ResolvedProfile p : profiles) {
                futures.add(pool.submit(() -> buildOne(p, outputDirectory.resolve(p.name()), log)));
            }
            List<Built> out = new ArrayList<>();
            List<NodeimageException> failed = new ArrayList<>();
            for (Future<Built> f : futures) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof NodeimageException n) {
                        failed.add(n);
                    } else {
                        throw new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ConfigurationException("interrupted while building", "run the build again", e);
                }
            }
            if (failed.size() == 1) {
                throw failed.get(0);
            }
            if (!failed.isEmpty()) {
                throw new SeveralFailed(failed, out.size());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The engine would pull a base it does not have, whatever the build's pull flag says (that flag only
     * asks for a newer copy of one it has). Sites without a registry, and builds that must use exactly
     * the base that was loaded, need the build to stop instead, naming the base.
     */
    private void requireBases(List<ResolvedProfile> profiles) {
        List<String> missing = new ArrayList<>();
        for (ResolvedProfile p : profiles) {
            String base = p.profile().base().image();
            if (DockerEngine.imageId(docker, base) == null) {
                missing.add(base + " (base.image of " + p.name() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigurationException("base image" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + (missing.size() == 1 ? " is" : " are") + " not in the Docker engine, and nodeimage never pulls",
                    "load it into the engine first: 'docker pull <image>' where a registry is reachable, "
                            + "'docker load -i <archive>' from a 'docker save' archive ('podman load -i <archive>' into Podman), "
                            + "or for nodeimage/debian:12 "
                            + "'sudo scripts/seed-base-image.sh'; then build again");
        }
    }

    private Built buildOne(ResolvedProfile p, Path dir, Consumer<String> log) {
        Path context = context(dir);
        try {
            return buildOne(p, dir, context, log);
        } finally {
            deleteTree(context);
        }
    }

    /**
     * The build context: only the files render wrote, copied aside, so that reports, facts and
     * certificates beside them are never sent to the engine, nor could be copied into an image.
     */
    private static Path context(Path dir) {
        List<String> files = io.nodeimage.render.RenderService.renderedFiles(dir);
        try {
            Path context = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + "-context-");
            for (String name : files) {
                Files.copy(dir.resolve(name), context.resolve(name), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
            return context;
        } catch (java.io.IOException e) {
            throw new ConfigurationException("cannot prepare the build context of " + dir + ": " + e.getMessage(),
                    "render again (nodeimage:render), and check that the output directory is writable", e);
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            // A leftover temporary folder in target/ is harmless; the next clean removes it.
        }
    }

    private Built buildOne(ResolvedProfile p, Path dir, Path context, Consumer<String> log) {
        String profileDigest = Inputs.profileDigest(p);
        Map<String, String> labels = labels(profileDigest);
        ImageBuilder builder = new ImageBuilder(docker);
        String image = imageName(repository, p.name(), tag);
        String id = buildLogged(builder, new ImageBuilder.Request(p.name(), context, context.resolve(CONTAINERFILE), image,
                labels, stamp.sourceDateEpoch()), log, dir.resolve(OUTPUT_LOG));
        List<String> notes = new ArrayList<>();
        String bootcImage = null;
        String bootcId = null;
        Path bootc = context.resolve(BOOTC_CONTAINERFILE);
        if (Files.isRegularFile(bootc)) {
            String base = p.profile().base().bootc();
            if (base != null && DockerEngine.imageId(docker, base) != null) {
                bootcImage = imageName(repository, p.name() + "-bootc", tag);
                bootcId = buildLogged(builder, new ImageBuilder.Request(p.name() + "-bootc", context, bootc, bootcImage, labels,
                        stamp.sourceDateEpoch()), log, dir.resolve(BOOTC_OUTPUT_LOG));
            } else {
                notes.add("bootc image not built: its base " + base + " is not in the engine (pull or load it first)");
            }
        }
        if (p.profile().secureBoot().mok() == io.nodeimage.profile.Profile.Mok.GENERATED) {
            exportMok(id, dir, "", notes);
            if (bootcId != null) {
                // The image-mode build compiles and signs in a builder stage of its own, with a key of its own.
                exportMok(bootcId, dir, "-bootc", notes);
            }
        }
        Built built = new Built(p.name(), image, id, bootcImage, bootcId, notes);
        AtomicFiles.write(dir.resolve(RECORD), record(built, profileDigest, labels));
        return built;
    }

    /** Everything the build printed, beside the reports, whether it succeeded or not. */
    public static final String OUTPUT_LOG = "build-output.log";
    public static final String BOOTC_OUTPUT_LOG = "build-output-bootc.log";

    private static String buildLogged(ImageBuilder builder, ImageBuilder.Request request, Consumer<String> log, Path file) {
        StringBuilder transcript = new StringBuilder();
        try {
            return builder.build(request, log, transcript);
        } finally {
            AtomicFiles.write(file, transcript.toString());
        }
    }

    /** Beside the build record, written from the image: the certificate of the MOK the build generated. */
    public static final String MOK_DER = "module-signing-mok.der";
    public static final String MOK_PEM = "module-signing-mok.pem";
    public static final String BOOTC_MOK_DER = "module-signing-mok-bootc.der";
    public static final String BOOTC_MOK_PEM = "module-signing-mok-bootc.pem";

    /**
     * The generated machine owner key's certificate, read from the built image and written beside its
     * reports for enrolment (mokutil --import) and for the policies that trust it; the build fails when
     * the image still holds the private key.
     */
    private static void exportMok(String imageId, Path dir, String suffix, List<String> notes) {
        try (io.nodeimage.inspect.ImageFiles files = io.nodeimage.inspect.EngineFiles.open(imageId)) {
            if (files.stat(io.nodeimage.plan.Step.ModuleSigningKey.PRIVATE_KEY).isPresent()) {
                throw new ConfigurationException("the image " + imageId + " still holds the machine owner key's private part "
                        + io.nodeimage.plan.Step.ModuleSigningKey.PRIVATE_KEY, "render again with this nodeimage version; "
                        + "a provision.sh edited by hand must keep the packages phase's removal of the key");
            }
            java.util.Optional<byte[]> der = files.read(io.nodeimage.plan.Step.ModuleSigningKey.CERTIFICATE, 64 * 1024);
            if (der.isEmpty()) {
                notes.add("no machine owner key certificate in the image: no module was built by DKMS");
                return;
            }
            try {
                java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(der.get()));
            } catch (java.security.cert.CertificateException e) {
                throw new ConfigurationException("the machine owner key certificate in image " + imageId + " ("
                        + io.nodeimage.plan.Step.ModuleSigningKey.CERTIFICATE + ") is not an X.509 certificate: "
                        + e.getMessage(), "render again and rebuild; a provision.sh edited by hand must leave it as make_mok wrote it");
            }
            String pem = io.nodeimage.profile.PemCertificates.pem(der.get());
            String derFile = "module-signing-mok" + suffix + ".der";
            String pemFile = "module-signing-mok" + suffix + ".pem";
            AtomicFiles.write(dir.resolve(derFile), der.get());
            AtomicFiles.write(dir.resolve(pemFile), pem);
            notes.add("machine owner key certificate written to " + pemFile + " (enrol it with mokutil --import " + derFile + ")");
        } catch (java.io.IOException e) {
            throw new ConfigurationException("cannot read the machine owner key certificate from image " + imageId + ": "
                    + e.getMessage(), "check the engine, then build again", e);
        }
    }

    private Map<String, String> labels(String profileDigest) {
        Map<String, String> labels = new TreeMap<>();
        if (stamp.source() != null) {
            labels.put("org.opencontainers.image.source", stamp.source());
        }
        if (stamp.revision() != null) {
            labels.put("org.opencontainers.image.revision", stamp.revision());
        }
        if (stamp.created() != null) {
            labels.put("org.opencontainers.image.created", stamp.created().toString());
        }
        labels.put("org.opencontainers.image.version", tag);
        labels.put("io.nodeimage.profile.digest", "sha256:" + profileDigest);
        return labels;
    }

    private static String record(Built b, String profileDigest, Map<String, String> labels) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("profile", b.profile());
        out.put("image", b.image());
        out.put("imageId", b.imageId());
        out.put("bootcImage", b.bootcImage());
        out.put("bootcImageId", b.bootcImageId());
        out.put("profileDigest", "sha256:" + profileDigest);
        out.put("labels", labels);
        return Json.write(out) + "\n";
    }
}
