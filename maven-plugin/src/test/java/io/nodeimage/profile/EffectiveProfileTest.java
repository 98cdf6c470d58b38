package io.nodeimage.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.Golden;
import io.nodeimage.support.RepositoryFiles;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EffectiveProfileTest {

    private final ProfileSources catalog = ProfileSources.withBundledCatalog(null, null);

    @Test
    void effectiveProfileWithOriginsMatchesTheReviewedFile() throws Exception {
        ResolvedProfile gb200 = new ProfileResolver(catalog).resolve("ubuntu-24.04-nvidia-gb200");
        Golden.assertMatches(RepositoryFiles.root().resolve(
                "maven-plugin/src/test/resources/golden/effective/ubuntu-24.04-nvidia-gb200.yaml"),
                EffectiveProfile.toYaml(gb200, true));
    }

    @Test
    void everyEffectiveProfileLoadsBackAsTheSameProfile(@TempDir Path dir) throws Exception {
        for (String name : catalog.catalogNames()) {
            ResolvedProfile original = new ProfileResolver(catalog).resolve(name);
            Files.writeString(dir.resolve(name + ".yaml"), EffectiveProfile.toYaml(original, true));
            Profile reloaded = new ProfileResolver(new ProfileSources(dir, dir, null)).resolve(name).profile();
            for (RecordComponent c : Profile.class.getRecordComponents()) {
                if (c.getName().equals("parent")) {
                    assertThat(c.getAccessor().invoke(reloaded)).as(name + " extends").isNull();
                } else {
                    assertThat(c.getAccessor().invoke(reloaded)).as(name + " " + c.getName())
                            .isEqualTo(c.getAccessor().invoke(original.profile()));
                }
            }
        }
    }

    @Test
    void outputIsDeterministic() {
        ResolvedProfile one = new ProfileResolver(catalog).resolve("rhel-10-nvidia-vera-rubin");
        ResolvedProfile two = new ProfileResolver(ProfileSources.withBundledCatalog(null, null))
                .resolve("rhel-10-nvidia-vera-rubin");
        assertThat(EffectiveProfile.toYaml(one, true)).isEqualTo(EffectiveProfile.toYaml(two, true));
    }

    @Test
    void stringsThatLookLikeOtherTypesAreQuoted() {
        assertThat(EffectiveProfile.scalar("24.04")).isEqualTo("\"24.04\"");
        assertThat(EffectiveProfile.scalar("yes")).isEqualTo("\"yes\"");
        assertThat(EffectiveProfile.scalar("a: b")).isEqualTo("\"a: b\"");
        assertThat(EffectiveProfile.scalar("line\n\"q\"")).isEqualTo("\"line\\n\\\"q\\\"\"");
        assertThat(EffectiveProfile.scalar("nvidia_uvm")).isEqualTo("nvidia_uvm");
    }
}
