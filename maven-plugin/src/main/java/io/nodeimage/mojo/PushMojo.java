package io.nodeimage.mojo;

import io.nodeimage.ConfigurationException;
import io.nodeimage.image.BuildService;
import io.nodeimage.image.DockerEngine;
import io.nodeimage.profile.ResolvedProfile;
import io.nodeimage.push.ImagePush;
import io.nodeimage.push.PushRecord;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Pushes each selected profile's image to a registry as {@code <pushRepository>/<profile>:<tag>}, from the
 * engine's export (no {@code docker push}, no engine login), and records the manifest digest the registry
 * answered in {@code <outputDirectory>/<profile>/pushed.json}: certify then names that manifest as the
 * statement's subject, and attach hangs the signed certificate on it.
 *
 * @since 0.1.0
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends AbstractNodeimageMojo {

    /**
     * Where the images go: {@code <registry>[:<port>]/<path>}, such as {@code registry.example.internal/nodes};
     * each profile's image becomes {@code <pushRepository>/<profile>:<tag>}. The login is that of the
     * settings.xml {@code <server>} whose id is the registry's host (or host:port), its password decrypted as
     * Maven decrypts it; else the Docker configuration's (credential helpers, {@code docker login}).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH_REPOSITORY)
    String pushRepository;

    /**
     * Allow plain HTTP to the push registry although it is not on this machine (registries on localhost and
     * 127.0.0.1 may always answer over HTTP; HTTPS is tried first).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH_ALLOW_HTTP, defaultValue = "false")
    boolean allowHttp;

    /**
     * The CA certificates (PEM or DER) the registry's TLS certificate must chain to, instead of the JDK's trust
     * store (on Debian and RHEL the system's).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_CA_FILE)
    File registryCaFile;

    /**
     * Skip this goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH_SKIP, defaultValue = "false")
    boolean skipPush;

    @Override
    String goal() {
        return "push";
    }

    @Override
    boolean skipGoal() {
        return skipPush;
    }

    @Override
    void run() {
        if (pushRepository == null || pushRepository.isBlank()) {
            throw new ConfigurationException("no registry to push to", "set " + PropertyNames.PUSH_REPOSITORY
                    + " (or <pushRepository>) to <registry>/<path>, such as registry.example.internal/nodes");
        }
        String target = pushRepository.endsWith("/") ? pushRepository.substring(0, pushRepository.length() - 1) : pushRepository;
        if (!target.contains("/")) {
            throw new ConfigurationException(PropertyNames.PUSH_REPOSITORY + " is '" + pushRepository
                    + "': it names no registry path", "write <registry>[:<port>]/<path>, such as 127.0.0.1:5000/nodes");
        }
        var connection = registryConnection(target, registryCaFile, allowHttp);
        var docker = DockerEngine.client("the images cannot be pushed");
        for (ResolvedProfile p : selectedTargets()) {
            String image = BuildService.imageName(repository, p.name(), tag());
            Path dir = outputDirectory.toPath().resolve(p.name());
            getLog().info(p.name() + ": pushing " + image + " to " + target + "/" + p.name() + ":" + tag());
            PushRecord pushed = ImagePush.push(docker, image, target + "/" + p.name(), tag(), connection,
                    line -> getLog().info(line));
            pushed.write(dir);
            getLog().info(p.name() + ": pushed " + pushed.repository() + ":" + pushed.tag() + " as " + pushed.byDigest()
                    + "; recorded in " + io.nodeimage.yaml.SourceFiles.shown(dir.resolve(PushRecord.FILE), basedir.toPath()));
        }
    }
}
