package io.nodeimage.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.support.Golden;
import io.nodeimage.support.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every bundled profile in every format, against files reviewed like code. */
class RenderGoldenTest {

    static final Path GOLDEN = RepositoryFiles.root().resolve("maven-plugin/src/test/resources/golden/render");

    @Test
    void everyRenderedFileMatchesItsGolden() throws IOException {
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            for (Map.Entry<String, String> file : profile.getValue().entrySet()) {
                Golden.assertMatches(GOLDEN.resolve(profile.getKey()).resolve(file.getKey()), file.getValue());
            }
        }
    }

    @Test
    void noGoldenIsLeftOverFromAFormatNoLongerRendered() throws IOException {
        if (RepositoryFiles.updateGoldens()) {
            for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
                try (Stream<Path> files = Files.list(GOLDEN.resolve(profile.getKey()))) {
                    for (Path f : files.toList()) {
                        if (!profile.getValue().containsKey(f.getFileName().toString())) {
                            Files.delete(f);
                        }
                    }
                }
            }
        }
        try (Stream<Path> dirs = Files.list(GOLDEN)) {
            assertThat(dirs.map(d -> d.getFileName().toString()).sorted().toList())
                    .isEqualTo(CatalogRenders.all().keySet().stream().sorted().toList());
        }
        for (Map.Entry<String, Map<String, String>> profile : CatalogRenders.all().entrySet()) {
            try (Stream<Path> files = Files.list(GOLDEN.resolve(profile.getKey()))) {
                List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
                assertThat(names).as(profile.getKey()).isEqualTo(profile.getValue().keySet().stream().sorted().toList());
            }
        }
    }

    @Test
    void catalogRendersEveryFormat() {
        List<String> files = CatalogRenders.all().values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted()
                .toList();
        assertThat(files).contains("Containerfile", "Containerfile.bootc", "50-nodeimage-kargs.toml", "user-data",
                "kickstart.ks", "blueprint.toml", "node.pkr.hcl", "provision.sh", "plan.txt");
    }

    @Test
    void renderingIsDeterministic() {
        Map<String, Map<String, String>> first = CatalogRenders.all();
        io.nodeimage.profile.ProfileSources sources = CatalogRenders.sources();
        Renderer renderer = new Renderer(CatalogRenders.MIRRORS, false, io.nodeimage.support.SiteVendor.catalog());
        for (String name : first.keySet()) {
            assertThat(renderer.render(new io.nodeimage.profile.ProfileResolver(sources).resolve(name)))
                    .as(name).isEqualTo(first.get(name));
        }
    }
}
