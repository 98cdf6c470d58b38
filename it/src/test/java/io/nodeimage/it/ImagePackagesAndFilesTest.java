package io.nodeimage.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodeimage.inspect.Facts;
import io.nodeimage.inspect.InspectService;
import io.nodeimage.policy.Evaluator;
import io.nodeimage.policy.PolicyLoader;
import io.nodeimage.policy.RuleResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packages from an rpm database, listed by the image's own rpm (Debian's rpm, with a package built and
 * installed in the image), beside the dpkg ones; an rpm database without rpm; file modes and owners
 * named from the image's own account files, judged by the catalog's file rules.
 */
@ExtendWith(DockerRequired.class)
class ImagePackagesAndFilesTest {

    private static final String TAG = "nodeimage-it/rpm-and-files:test";
    private static final String NO_RPM_TAG = "nodeimage-it/rpm-db-without-rpm:test";

    @TempDir
    Path context;

    @AfterAll
    static void cleanUp() {
        LocalImages.remove(List.of(), TAG, NO_RPM_TAG);
    }

    @Test
    void rpmPackagesAndFileOwnersComeFromTheImage() throws Exception {
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12
                RUN apt-get update -q && apt-get install -y -q --no-install-recommends rpm \\
                    && rm -rf /var/lib/apt/lists/*
                RUN set -e; mkdir -p /tmp/r/SPECS; \\
                    printf 'Name: nodeimage-probe\\nVersion: 1.2\\nRelease: 3\\nEpoch: 2\\nSummary: probe\\nLicense: MIT\\nBuildArch: noarch\\n%%description\\nprobe\\n%%files\\n' > /tmp/r/SPECS/p.spec; \\
                    rpmbuild --define '_topdir /tmp/r' -bb /tmp/r/SPECS/p.spec; \\
                    mkdir -p /var/lib/rpm; rpm --dbpath /var/lib/rpm -i --nodeps /tmp/r/RPMS/noarch/*.rpm; rm -rf /tmp/r
                RUN set -e; useradd --system --uid 1500 svc; mkdir -p /srv/data /opt; chown svc:svc /srv/data; \\
                    echo secret > /opt/secret; chown 1234:1234 /opt/secret; chmod 0666 /opt/secret; \\
                    chmod 0644 /etc/shadow
                """);
        LocalImages.build(context, TAG);

        Facts facts = InspectService.facts(TAG, Set.of("/opt/secret", "/srv/data", "/nonexistent"));

        assertThat(facts.packages()).extracting(p -> p.name() + " " + p.version() + " " + p.architecture())
                .contains("nodeimage-probe 2:1.2-3 noarch");
        assertThat(facts.packages()).extracting(Facts.Package::name).contains("bash", "rpm");
        assertThat(facts.findings()).isEmpty();

        Map<String, Facts.FileEntry> files = facts.files().stream()
                .collect(Collectors.toMap(Facts.FileEntry::path, f -> f));
        assertThat(files.get("/etc/shadow")).extracting(Facts.FileEntry::type, Facts.FileEntry::mode,
                Facts.FileEntry::owner, Facts.FileEntry::group).containsExactly("file", "0644", "root", "shadow");
        assertThat(files.get("/etc/apt")).extracting(Facts.FileEntry::type, Facts.FileEntry::mode)
                .containsExactly("directory", "0755");
        // The engine's own /etc/mtab link (its init layer, not the image's) is not a fact of the image.
        assertThat(files).doesNotContainKey("/etc/mtab");
        assertThat(files.get("/opt/secret")).extracting(Facts.FileEntry::mode, Facts.FileEntry::owner, Facts.FileEntry::uid)
                .containsExactly("0666", "1234", 1234L);
        assertThat(files.get("/srv/data")).extracting(Facts.FileEntry::type, Facts.FileEntry::owner, Facts.FileEntry::group)
                .containsExactly("directory", "svc", "svc");
        assertThat(files).doesNotContainKey("/nonexistent");
        assertThat(facts.files()).extracting(Facts.FileEntry::path).isSorted()
                .allMatch(p -> p.startsWith("/etc") || Set.of("/opt/secret", "/srv/data").contains(p));

        // From its layers (no engine, so no rpm to run): rpm's SQLite database read by nodeimage lists
        // the same packages as the image's own rpm did, and the facts are the same apart from the name.
        Path saved = context.resolve("image.tar");
        Process save = new ProcessBuilder("docker", "save", "-o", saved.toString(), TAG).redirectErrorStream(true).start();
        String printed = new String(save.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(save.waitFor()).as(printed).isZero();
        String source = "docker-archive:" + saved;
        Facts fromLayers = InspectService.facts(source, Set.of("/opt/secret", "/srv/data", "/nonexistent"));
        assertThat(io.nodeimage.inspect.FactsJson.write(fromLayers).replace(source, TAG))
                .isEqualTo(io.nodeimage.inspect.FactsJson.write(facts));

        Map<String, RuleResult> results = new Evaluator(LocalDate.now())
                .evaluate(PolicyLoader.load(null, null, true).policies().stream()
                                .filter(p -> p.policy().name().equals("container-hardening")).toList(),
                        facts, new Evaluator.Target(null, "debian", "12", "x86_64"))
                .stream().collect(Collectors.toMap(RuleResult::ruleId, r -> r));
        assertThat(results.get("NODE-HARD-005").status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(results.get("NODE-HARD-005").message()).isEqualTo("/etc/shadow: mode 0644 allows more than 0640");
        assertThat(results.get("NODE-HARD-006").status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(results.get("NODE-HARD-007").status()).as("minbase has no /etc/modprobe.d").isEqualTo(RuleResult.Status.PASS);
    }

    @Test
    void anRpmDatabaseWithoutRpmIsAFinding() throws Exception {
        Files.writeString(context.resolve("Containerfile"), """
                FROM nodeimage/debian:12 AS stage
                RUN mkdir -p /out/var/lib/rpm /out/etc && echo 'not a database' > /out/var/lib/rpm/rpmdb.sqlite \\
                    && printf 'ID=norpm\\n' > /out/etc/os-release
                FROM scratch
                COPY --from=stage /out/ /
                """);
        LocalImages.build(context, NO_RPM_TAG);

        Facts facts = InspectService.facts(NO_RPM_TAG);

        assertThat(facts.packages()).isEmpty();
        assertThat(facts.findings()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/var/lib/rpm");
            assertThat(f.message()).startsWith("an rpm database, but rpm could not list it: rpm cannot run in image "
                    + NO_RPM_TAG);
        });
    }
}
