package io.nodeimage.profile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A project folder of profiles written by a test. */
final class ProfileFixtures {

    static final String HEADER = "apiVersion: nodeimage/v1\nkind: Profile\n";
    static final String MINIMAL_BODY = """
            os: {family: ubuntu, release: "24.04", arch: x86_64}
            base: {image: "ubuntu:24.04"}
            """;

    private final Path project;
    private final Path profiles;

    ProfileFixtures(Path project) {
        this.project = project;
        this.profiles = project.resolve("profiles");
        try {
            Files.createDirectories(profiles);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path profiles() {
        return profiles;
    }

    /** Writes {@code <name>.yaml} with the header and name lines, then the body. */
    ProfileFixtures profile(String name, String body) {
        return file(name + ".yaml", HEADER + "name: " + name + "\n" + body);
    }

    ProfileFixtures file(String fileName, String content) {
        try {
            Files.writeString(profiles.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ProfileSources sources() {
        return new ProfileSources(profiles, project, null);
    }

    ProfileSources sourcesWithCatalog() {
        return ProfileSources.withBundledCatalog(profiles, project);
    }

    List<String> problems(String... names) {
        ProfileResolver.Result result = new ProfileResolver(sources()).check(List.of(names));
        return result.problems().stream().map(p -> p.format()).toList();
    }

    ResolvedProfile resolve(String name) {
        return new ProfileResolver(sources()).resolve(name);
    }
}
