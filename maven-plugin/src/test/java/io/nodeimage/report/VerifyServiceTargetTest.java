package io.nodeimage.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.policy.Evaluator;
import io.nodeimage.profile.ProfileResolver;
import io.nodeimage.profile.ProfileSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image is judged as what its own os-release says it is; a profile that says otherwise is a warning. */
class VerifyServiceTargetTest {

    private static Facts facts(Map<String, String> osRelease) {
        return new Facts("img", "sha256:00", osRelease, "amd64", List.of(), List.of(), List.of(), List.of(), List.of(),
                Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void aProfileThatDescribesAnotherOsIsAWarningAndTheImageWins(@TempDir Path dir) {
        var profile = new ProfileResolver(ProfileSources.withBundledCatalog(dir, dir))
                .resolve("ubuntu-24.04-nvidia-hopper").profile();
        List<String> warnings = new ArrayList<>();
        Evaluator.Target t = VerifyService.target(facts(Map.of("ID", "debian", "VERSION_ID", "12")), profile, warnings);
        assertThat(t.family()).isEqualTo("debian");
        assertThat(t.release()).isEqualTo("12");
        assertThat(t.profile()).isEqualTo("ubuntu-24.04-nvidia-hopper");
        assertThat(t.accelerators()).containsExactly("nvidia");
        assertThat(warnings).containsExactly("profile ubuntu-24.04-nvidia-hopper describes ubuntu 24.04, but the image is "
                + "debian 12 (its /etc/os-release): judged as the image");
    }

    @Test
    void theSameOsIsNoWarning(@TempDir Path dir) {
        var profile = new ProfileResolver(ProfileSources.withBundledCatalog(dir, dir)).resolve("rhel-9-nvidia-hopper").profile();
        List<String> warnings = new ArrayList<>();
        Evaluator.Target t = VerifyService.target(facts(Map.of("ID", "rhel", "VERSION_ID", "9.6")), profile, warnings);
        assertThat(warnings).isEmpty();
        assertThat(t.release()).isEqualTo("9.6");
    }

    @Test
    void theProfilesPlatformKeysAreTheFeaturesAppliesToSees(@TempDir Path dir) {
        ProfileSources sources = ProfileSources.withBundledCatalog(dir, dir);
        var rubin = new ProfileResolver(sources).resolve("ubuntu-24.04-nvidia-vera-rubin").profile();
        Evaluator.Target t = VerifyService.target(facts(Map.of("ID", "ubuntu", "VERSION_ID", "24.04")), rubin, new ArrayList<>());
        assertThat(t.features()).containsExactly("hmm-disabled");
        var hopper = new ProfileResolver(sources).resolve("ubuntu-24.04-nvidia-hopper").profile();
        assertThat(VerifyService.target(facts(Map.of("ID", "ubuntu", "VERSION_ID", "24.04")), hopper, new ArrayList<>())
                .features()).isEmpty();
        assertThat(VerifyService.target(facts(Map.of("ID", "ubuntu", "VERSION_ID", "24.04")), null, new ArrayList<>())
                .features()).as("judged without a profile: nothing declared").isEmpty();
    }
}
