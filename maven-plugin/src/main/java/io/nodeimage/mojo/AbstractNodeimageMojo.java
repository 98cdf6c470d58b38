package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.NodeimageException;
import io.nodeimage.ViolationException;
import io.nodeimage.profile.ProfileSources;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * What every goal shares: the common parameters, skipping with a reason, and the one place where
 * core exceptions become Maven's: a violation fails the build, anything else is an error with a hint.
 */
abstract class AbstractNodeimageMojo extends AbstractMojo {

    /** The build's output; git provenance does not count files under it as changes. */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    protected File buildDirectory;

    /** The project's base directory; paths in messages are shown relative to it. */
    @Parameter(defaultValue = "${basedir}", readonly = true, required = true)
    protected File basedir;

    /**
     * The project's profiles: one YAML file per profile, named like the profile.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PROFILES_DIRECTORY, defaultValue = "${basedir}/src/main/nodeimage/profiles")
    protected File profilesDirectory;

    /**
     * The project's vendor data: repositories, driver packages and add-ons that are used before the
     * catalog's for the same images (docs/profiles.md, "Vendor data").
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.VENDOR_DIRECTORY, defaultValue = "${basedir}/src/main/nodeimage/vendor")
    protected File vendorDirectory;

    /**
     * Profiles to act on: names or globs ({@code *}, {@code ?}), comma-separated. Names and globs also
     * reach the bundled catalog. Empty means every profile in {@link #profilesDirectory}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PROFILES)
    protected List<String> profiles;

    /**
     * Where everything is written: {@code <outputDirectory>/<profile>/}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.OUTPUT_DIRECTORY, defaultValue = "${project.build.directory}/nodeimage")
    protected File outputDirectory;

    /**
     * Repository of the images built for profiles: {@code <repository>/<profile>:<tag>}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REPOSITORY, defaultValue = "nodeimage")
    protected String repository;

    /**
     * Tag of the images built for profiles. When not given: {@code <project version>-<12 hex of the git
     * commit>}, plus {@code -dirty-<8 hex>} (a digest of the changes) when the work tree has changes, so
     * two checkouts on one engine never overwrite each other's images; the project version outside git.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.TAG)
    protected String tag;

    @Parameter(defaultValue = "${project.version}", readonly = true)
    protected String projectVersion;

    /** The user's settings.xml: servers hold secrets that must never be in a POM. */
    @Parameter(defaultValue = "${settings}", readonly = true)
    protected Settings settings;

    @Component
    protected SettingsDecrypter settingsDecrypter;

    /**
     * Skip every nodeimage goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    protected boolean skip;

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping nodeimage:" + goal() + " because " + PropertyNames.SKIP + " is true");
            return;
        }
        if (skipGoal()) {
            getLog().info("Skipping nodeimage:" + goal() + " because nodeimage." + goal() + ".skip is true");
            return;
        }
        if (outputDirectory != null && outputDirectory.getPath().contains("${")) {
            // Outside a project (requiresProject = false), Maven's stub project leaves ${project.basedir}
            // unresolved in its build directory: write under the directory Maven runs in instead.
            outputDirectory = new File(basedir, "target/nodeimage");
        }
        try {
            run();
        } catch (ViolationException e) {
            throw new MojoFailureException(withHint(e));
        } catch (ConfigurationException e) {
            throw new MojoExecutionException(withHint(e));
        } catch (NodeimageException e) {
            throw new MojoExecutionException(withHint(e), e);
        }
    }

    /** The goal's name as users type it. */
    abstract String goal();

    /** The goal's own skip flag. */
    abstract boolean skipGoal();

    /** The goal's work: adapt parameters, one call into the core, log the outcome. */
    abstract void run();

    /**
     * The settings.xml server with this id, its password and passphrase decrypted as Maven decrypts them
     * (settings-security.xml's master password); empty when there is none.
     */
    java.util.Optional<Server> server(String id) {
        if (settings == null || id == null || id.isBlank() || settings.getServer(id) == null) {
            return java.util.Optional.empty();
        }
        SettingsDecryptionResult result = settingsDecrypter.decrypt(new DefaultSettingsDecryptionRequest(settings.getServer(id)));
        for (SettingsProblem p : result.getProblems()) {
            if (p.getSeverity() != SettingsProblem.Severity.WARNING) {
                throw new ConfigurationException("the secrets of settings.xml server " + id + " cannot be decrypted: "
                        + p.getMessage(), "check the master password in ~/.m2/settings-security.xml "
                        + "(mvn --encrypt-master-password) and the server's {...} values (mvn --encrypt-password)");
            }
        }
        return java.util.Optional.of(result.getServer());
    }

    /** The module facts cache of inspect and verify, unless it is turned off. */
    /**
     * An image parameter with relative paths of oci: and docker-archive: sources made relative to the
     * project's folder (where Maven was started may be elsewhere).
     */
    String imageSource(String image) {
        return image == null ? null : io.nodeimage.layers.ImageSource.absolute(image, basedir.toPath());
    }

    /** How images outside the engine are read: the platform wanted from an index, plain-HTTP hosts, logins. */
    io.nodeimage.layers.Registry.Options sourceOptions(String arch, List<String> plainHttpRegistries) {
        return new io.nodeimage.layers.Registry.Options(
                arch == null ? io.nodeimage.layers.Platform.host() : io.nodeimage.layers.Platform.ofArch(arch),
                plainHttpRegistries == null ? java.util.Set.of() : java.util.Set.copyOf(plainHttpRegistries),
                io.nodeimage.layers.RegistryCredentials.dockerConfig());
    }

    /**
     * How to write to (and read attachments from) a registry: the login of the settings.xml server whose id is
     * the registry's host (or host:port), its password decrypted as Maven does; else the Docker configuration's.
     */
    io.nodeimage.layers.RegistryWriter.Connection registryConnection(String repository, File caFile, boolean allowHttp) {
        String host = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : repository;
        java.util.Map<String, io.nodeimage.layers.RegistryCredentials.Login> logins = new java.util.HashMap<>();
        java.util.Optional<Server> server = server(host).or(() -> host.contains(":") ? server(host.substring(0, host.indexOf(':')))
                : java.util.Optional.empty());
        server.filter(s -> s.getUsername() != null).ifPresent(s -> {
            logins.put(host, new io.nodeimage.layers.RegistryCredentials.Login(s.getUsername(),
                    s.getPassword() == null ? "" : s.getPassword()));
            getLog().info("Registry " + host + ": the login of settings.xml server " + s.getId() + " (user " + s.getUsername() + ")");
        });
        return new io.nodeimage.layers.RegistryWriter.Connection(io.nodeimage.layers.RegistryCredentials.firstOf(List.of(
                io.nodeimage.layers.RegistryCredentials.of(logins), io.nodeimage.layers.RegistryCredentials.dockerConfig())),
                caFile == null ? null : caFile.toPath(), allowHttp);
    }

    io.nodeimage.inspect.ModuleFactsCache moduleFactsCache(File directory, boolean disabled) {
        if (disabled || directory == null) {
            getLog().debug("Module facts cache off: every module is read from its bytes");
            return io.nodeimage.inspect.ModuleFactsCache.DISABLED;
        }
        return io.nodeimage.inspect.ModuleFactsCache.in(directory.toPath());
    }

    io.nodeimage.plan.VendorCatalog vendorCatalog() {
        return io.nodeimage.plan.VendorCatalog.load(vendorDirectory.toPath(), basedir.toPath(),
                io.nodeimage.plan.VendorCatalog.class.getClassLoader());
    }

    ProfileSources profileSources() {
        return ProfileSources.withBundledCatalog(profilesDirectory.toPath(), basedir.toPath());
    }

    List<String> selection() {
        return profiles == null ? List.of() : profiles;
    }

    /** The selected profiles that make images (abstract ones are bases), resolved. */
    List<io.nodeimage.profile.ResolvedProfile> selectedTargets() {
        ProfileSources sources = profileSources();
        io.nodeimage.profile.ProfileSelection.Selected selected =
                io.nodeimage.profile.ProfileSelection.select(sources, selection(), false);
        if (!selected.problems().isEmpty()) {
            throw new ConfigurationException(selected.problems().get(0).message(), selected.problems().get(0).hint());
        }
        return new io.nodeimage.profile.ProfileResolver(sources).resolveAll(selected.names()).stream()
                .filter(p -> !p.profile().isAbstract()).toList();
    }

    /** The tag given, or the one made from the project version and the git commit (see {@link #tag}). */
    protected String tag() {
        if (tag == null || tag.isBlank()) {
            tag = io.nodeimage.provenance.ImageTags.defaultTag(projectVersion, gitSnapshot());
        }
        return tag;
    }

    /** The git repository around the project, read once; empty outside a work tree. */
    java.util.Optional<io.nodeimage.provenance.GitProvenance.Snapshot> gitSnapshot() {
        if (gitSnapshot == null) {
            gitSnapshot = io.nodeimage.provenance.GitProvenance.snapshot(basedir.toPath(), buildDirectory.toPath());
        }
        return gitSnapshot;
    }

    /** Read once per goal: git status walks the whole work tree. */
    private java.util.Optional<io.nodeimage.provenance.GitProvenance.Snapshot> gitSnapshot;

    /**
     * A source file as shown, back on disk, for git blob ids. Bundled ones ("nodeimage-profiles:...")
     * name no file there, and GitProvenance passes over paths that are not files in the work tree.
     */
    java.nio.file.Path sourceFile(String shown) {
        return basedir.toPath().resolve(shown).normalize();
    }

    /**
     * A goal's main output, on standard output without log prefixes: scripts capture it, and
     * {@code mvn -q} silences everything else.
     */
    void printResult(String text) {
        System.out.print(text);
        System.out.flush();
    }

    private static String withHint(NodeimageException e) {
        return e.hint().isEmpty() ? e.getMessage() : e.getMessage() + System.lineSeparator() + "Hint: " + e.hint();
    }
}
