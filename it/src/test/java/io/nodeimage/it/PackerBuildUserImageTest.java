package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import io.nodeimage.render.Renderer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * What Packer is served works on a real system: the build user's %post (as rendered into
 * packer-kickstart.ks) gives Packer's user passwordless sudo, and the template's shutdown_command, run
 * by that user, removes the sudo rule, the user, its home and key before powering off. Run on the local
 * Debian base (no RHEL image is reachable here), with sudo installed and stand-ins for the two commands a
 * container lacks: restorecon (no SELinux) and shutdown (which records that it ran).
 */
@ExtendWith(DockerRequired.class)
class PackerBuildUserImageTest {

    private static final String TAG = "nodeimage-it/packer-build-user:test";
    private static GenericContainer<?> node;

    @TempDir
    Path context;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(node == null ? List.of() : List.of(node), TAG);
    }

    private static Map<String, String> rendered() {
        ProfileSources sources = ProfileSources.withBundledCatalog(null, null);
        return new Renderer(Map.of(), false).render(new ProfileResolver(sources).resolve("rhel-9-nvidia-hopper"));
    }

    private static String buildUserPost(String kickstart) {
        Matcher m = Pattern.compile("(?s)\\n%post --interpreter=/usr/bin/bash --erroronfail\\n(.*?)%end\\n").matcher(kickstart);
        assertThat(m.find()).as("the build user's %post in packer-kickstart.ks").isTrue();
        return m.group(1);
    }

    private static String shutdownCommand(String hcl) {
        Matcher m = Pattern.compile("shutdown_command\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(hcl);
        assertThat(m.find()).as("shutdown_command in node.pkr.hcl").isTrue();
        return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
    }

    private static org.testcontainers.containers.Container.ExecResult exec(String... command) throws Exception {
        return node.execInContainer(command);
    }

    @Test
    void packersUserHasPasswordlessSudoDuringTheBuildAndNothingOfItStaysAfterShutdown() throws Exception {
        Map<String, String> files = rendered();
        String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheTestOnly0000000000000000000 build@ci";
        // Packer substitutes the placeholder when it serves the file; the test does what it does.
        String post = buildUserPost(files.get("packer-kickstart.ks")).replace("NODEIMAGE_BUILD_SSH_KEY_BASE64",
                Base64.getEncoder().encodeToString((key + "\n").getBytes(StandardCharsets.UTF_8)));
        String shutdown = shutdownCommand(files.get("node.pkr.hcl"));
        assertThat(shutdown).contains("userdel").contains("shutdown -P now");

        Files.createDirectories(context.resolve("stubs"));
        Files.writeString(context.resolve("stubs/restorecon"), "#!/bin/sh\nexit 0\n");
        Files.writeString(context.resolve("stubs/shutdown"), "#!/bin/sh\necho \"$@\" > /var/tmp/powered-off\n");
        Files.writeString(context.resolve("build-user.sh"), post);
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*
                COPY stubs/ /usr/local/sbin/
                RUN chmod 0755 /usr/local/sbin/restorecon /usr/local/sbin/shutdown
                COPY build-user.sh /tmp/build-user.sh
                RUN bash /tmp/build-user.sh && rm /tmp/build-user.sh
                """);
        LocalImages.build(context, TAG);
        node = LocalImages.start(TAG);

        var sudo = exec("su", "packer", "-s", "/bin/bash", "-c", "sudo -n true && sudo -n id -u");
        assertThat(sudo.getExitCode()).as(sudo.getStderr()).isZero();
        assertThat(sudo.getStdout().trim()).isEqualTo("0");
        assertThat(exec("cat", "/home/packer/.ssh/authorized_keys").getStdout()).isEqualTo(key + "\n");
        assertThat(exec("stat", "-c", "%a %U", "/home/packer/.ssh/authorized_keys", "/home/packer/.ssh",
                "/etc/sudoers.d/90-nodeimage-build").getStdout())
                .isEqualTo("600 packer\n700 packer\n440 root\n");
        assertThat(exec("visudo", "-c").getExitCode()).as("sudoers parses").isZero();

        var down = exec("su", "packer", "-s", "/bin/bash", "-c", shutdown);
        assertThat(down.getExitCode()).as(down.getStdout() + down.getStderr()).isZero();
        assertThat(exec("cat", "/var/tmp/powered-off").getStdout().trim()).isEqualTo("-P now");
        assertThat(exec("id", "packer").getExitCode()).as("the user is gone").isNotZero();
        assertThat(exec("test", "-e", "/home/packer").getExitCode()).as("its home and key are gone").isNotZero();
        assertThat(exec("test", "-e", "/etc/sudoers.d/90-nodeimage-build").getExitCode()).as("the sudo rule is gone")
                .isNotZero();
    }
}
