package io.nodeimage.inspect;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Ulimit;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Asks the image's own kmod what {@code modprobe NAME} does, for the modules policies name, and compares
 * its answer with nodeimage's model ({@link ModuleLoading}). One container per image, started with its
 * entrypoint replaced by {@code sleep} (the only thing it runs besides modprobe), no network, a read-only
 * root, no capabilities, no new privileges and an empty {@code /sys/module} (the host's loaded modules
 * are not the image's), on Docker and on Podman's Docker-compatible service alike; each name is one exec of {@code modprobe -D -S <kernel> <name>} in exec form, so
 * no shell ever sees a name. {@code -D} prints what modprobe would do (insmod, install, builtin) and runs
 * nothing. The container is labelled and removed in {@code finally}, with or without Testcontainers' reaper.
 */
public final class KmodCrossCheck {

    /** The label on the container, so a person (or a cleanup job) can find it. */
    public static final String ROLE = "kmod-cross-check";

    /** What the image's modprobe did with a name: loadable, builtin, install, not-loaded or absent. */
    public record Observation(String module, String kernel, String observed, String output) {
    }

    /** A module whose state the model and the image's modprobe judge differently. */
    public record Disagreement(String module, String kernel, String model, String modprobe, String output) {
    }

    /**
     * @param ran whether modprobe was asked at all; {@code why} says why not
     * @param observations every answer, by module and kernel
     * @param millis the time the cross-check took, container included
     */
    public record Result(boolean ran, String why, List<Observation> observations, List<Disagreement> disagreements,
                         long millis) {
        public static Result skipped(String why) {
            return new Result(false, why, List.of(), List.of(), 0);
        }
    }

    private final DockerClient docker;
    private final Duration timeout;

    public KmodCrossCheck(DockerClient docker, Duration timeout) {
        this.docker = docker;
        this.timeout = timeout;
    }

    /** Asks modprobe about every name in every kernel tree of the facts; an image without kmod is skipped. */
    public Result run(String image, Facts facts, Set<String> names) {
        long start = System.nanoTime();
        if (facts.kernels().isEmpty() || names.isEmpty()) {
            return Result.skipped(facts.kernels().isEmpty() ? "the image has no kernel module tree"
                    : "no policy names a kernel module");
        }
        String id = null;
        String refused = null;
        for (Attempt attempt : ATTEMPTS) {
            try {
                id = create(image, attempt);
            } catch (RuntimeException e) {
                refused = "a container of the image could not be created: " + firstLine(e);
                continue;
            }
            try {
                docker.startContainerCmd(id).exec();
                refused = null;
                break;
            } catch (RuntimeException e) {
                remove(id);
                id = null;
                String line = firstLine(e);
                if (line.contains("executable file not found") || line.contains("no such file or directory")) {
                    refused = "the image has no sleep to keep a container open for modprobe";
                    break;
                }
                // Engines word a refused form differently ("tmpcopyup", "error setting rlimits", a runc
                // "write child: broken pipe" when its init dies of the same): the next form is tried.
                refused = "a container of the image could not start: " + line;
            }
        }
        if (id == null) {
            return Result.skipped(refused);
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Observation> observations = new ArrayList<>();
            for (Facts.KernelTree kernel : facts.kernels()) {
                for (String name : new TreeSet<>(names)) {
                    Exec r = exec(id, List.of("modprobe", "-D", "-S", kernel.version(), name), deadline);
                    if (r == null) {
                        return new Result(false, "modprobe did not answer within " + timeout.toSeconds() + " s",
                                observations, List.of(), millis(start));
                    }
                    if (r.code == 126 || r.code == 127 || r.startFailed) {
                        return Result.skipped("the image has no modprobe (kmod) on its PATH");
                    }
                    observations.add(new Observation(name, kernel.version(), observed(r, name, kernel),
                            (r.stdout + r.stderr).strip()));
                }
            }
            return new Result(true, null, observations, compare(facts, observations), millis(start));
        } finally {
            remove(id);
        }
    }

    /**
     * How the container is asked for, in turn. Docker mounts an empty tmpfs; Podman first copies what is
     * under the mount point (the host's /sys/module) unless told notmpcopyup, an option Docker refuses;
     * and Podman's default limits (open files, processes) can exceed a host's hard limits, so the last
     * form names modest ones.
     */
    private record Attempt(String tmpfs, List<Ulimit> ulimits) {
    }

    private static final List<Attempt> ATTEMPTS = List.of(
            new Attempt("ro,size=64k", List.of()),
            new Attempt("notmpcopyup,ro,size=64k", List.of()),
            new Attempt("notmpcopyup,ro,size=64k", List.of(new Ulimit("nofile", 1024L, 1024L),
                    new Ulimit("nproc", 4096L, 4096L))));

    private String create(String image, Attempt attempt) {
        return docker.createContainerCmd(image)
                .withEntrypoint("sleep")
                .withCmd(String.valueOf(Math.max(60, timeout.toSeconds() * 2)))
                .withLabels(Map.of("io.nodeimage.role", ROLE))
                .withNetworkDisabled(true)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withReadonlyRootfs(true)
                        .withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"))
                        .withTmpFs(Map.of("/sys/module", attempt.tmpfs())).withUlimits(attempt.ulimits()))
                .exec().getId();
    }

    private void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (RuntimeException e) {
            // Already gone.
        }
    }

    /**
     * The state modprobe's plan gives the name: builtin, loadable (it would insmod the module's own file),
     * install (an install command runs in its place), after-install (loaded after another module's
     * command, which decides), not-loaded (found, nothing to do: a blacklisted alias) or absent.
     */
    static String observed(Exec r, String name, Facts.KernelTree kernel) {
        if (r.code != 0) {
            return r.stderr.contains("not found") ? "absent" : "error";
        }
        String canonical = name.replace('-', '_');
        Set<String> files = new TreeSet<>();
        kernel.modules().stream().filter(m -> m.canonicalName().equals(canonical))
                .forEach(m -> files.add(relative(m.path(), kernel.version())));
        boolean install = false;
        for (String line : r.stdout.lines().toList()) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("builtin") && words[1].replace('-', '_').equals(canonical)) {
                return "builtin";
            }
            if (words.length >= 2 && words[0].equals("insmod") && (files.contains(relative(words[1], kernel.version()))
                    || fileModuleName(words[1]).equals(canonical))) {
                // A command run first (a dependency's, a softdep's) may stop the load: -D runs nothing.
                return install ? "after-install" : "loadable";
            }
            install |= words[0].equals("install");
        }
        return install ? "install" : "not-loaded";
    }

    /** Where model and modprobe part: never "disabled" for a module modprobe would load, and so on. */
    public static List<Disagreement> compare(Facts facts, List<Observation> observations) {
        List<Disagreement> out = new ArrayList<>();
        for (Observation o : observations) {
            String canonical = o.module().replace('-', '_');
            Facts.ModuleState state = facts.modules().stream()
                    .filter(s -> s.kernel().equals(o.kernel()) && s.module().equals(canonical)).findFirst().orElse(null);
            String model = state == null ? "absent" : state.state();
            boolean modelInstall = state != null && state.install() != null;
            boolean agree = switch (o.observed()) {
                case "loadable" -> model.equals("loadable") && !modelInstall;
                case "builtin" -> model.equals("builtin");
                case "absent" -> model.equals("absent");
                case "not-loaded" -> model.equals("disabled") && !modelInstall;
                // The command's effect is the model's to judge; modprobe and the model must agree that it runs.
                case "install" -> modelInstall && (model.equals("loadable") || model.equals("disabled"));
                case "after-install" -> model.equals("loadable") || model.equals("disabled");
                default -> true;
            };
            if (!agree) {
                out.add(new Disagreement(canonical, o.kernel(), model + (modelInstall ? " (install command)" : ""),
                        o.observed(), o.output()));
            }
        }
        return out;
    }

    private static String relative(String path, String kernel) {
        for (String root : List.of("/usr/lib/modules/" + kernel + "/", "/lib/modules/" + kernel + "/")) {
            if (path.startsWith(root)) {
                return path.substring(root.length());
            }
        }
        return path;
    }

    private static String fileModuleName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return (ko < 0 ? file : file.substring(0, ko)).replace('-', '_');
    }

    /** One exec's result; {@code startFailed} when the engine could not start the command at all. */
    record Exec(int code, String stdout, String stderr, boolean startFailed) {
    }

    /** @return null when the deadline passed */
    private Exec exec(String container, List<String> command, long deadline) {
        String execId;
        try {
            execId = docker.execCreateCmd(container).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
        } catch (RuntimeException e) {
            return new Exec(127, "", firstLine(e), true);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            boolean done = docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    ByteArrayOutputStream to = frame.getStreamType() == StreamType.STDERR ? err : out;
                    if (to.size() < OUTPUT_LIMIT) {
                        to.writeBytes(frame.getPayload());
                    }
                }
            }).awaitCompletion(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (!done) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            return new Exec(127, "", firstLine(e), true);
        }
        Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
        return new Exec(code == null ? 127 : code.intValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), false);
    }

    /** modprobe's plan for one name is a few lines; anything past this is not kept. */
    private static final int OUTPUT_LIMIT = 64 * 1024;

    private static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage()).strip();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
