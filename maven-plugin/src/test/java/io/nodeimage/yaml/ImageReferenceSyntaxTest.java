package io.nodeimage.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Image references are what the distribution reference grammar accepts, and nothing a shell would read. */
class ImageReferenceSyntaxTest {

    private static final String HEX64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @ParameterizedTest
    @ValueSource(strings = {
        "ubuntu",
        "ubuntu:24.04",
        "library/ubuntu:24.04",
        "registry.example.internal:5000/library/ubuntu:24.04",
        "localhost:5000/x",
        "localhost/x:latest",
        "10.0.0.7:5000/base/debian:12",
        "[::1]:5000/x:1",
        "[fd00::7]/x",
        "Registry.Example.Internal/ubuntu:24.04",
        "registry-1.example.internal/team/my_image__x.y-z:V1.2_rc-3",
        "ubuntu:24.04@sha256:" + HEX64,
        "ubuntu@sha256:" + HEX64,
        "registry.example.internal:5000/ubuntu@sha256:" + HEX64,
        "ubuntu@sha512:" + HEX64 + HEX64,
        "ubuntu@multihash+base58:0123456789abcdef0123456789abcdef",
        "nodeimage/debian:12",
    })
    void acceptsWhatTheReferenceGrammarAccepts(String reference) {
        assertThat(Syntax.IMAGE.accepts(reference)).as(reference).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "Ubuntu:24.04",
        "registry.example.internal/Library/ubuntu",
        "registry.example.internal:5000/library/Ubuntu:24.04",
        "ubuntu:24.04 && curl x",
        "ubuntu:24.04;reboot",
        "ubuntu:$(id)",
        "ubuntu:`id`",
        "ubuntu:24.04\nRUN id",
        "ubuntu :24.04",
        "'ubuntu'",
        "ubuntu:-24.04",
        "ubuntu:.24",
        "registry.example.internal:port/ubuntu",
        "-registry.example.internal/ubuntu",
        "registry.example.internal-/ubuntu",
        "/ubuntu",
        "ubuntu/",
        "library//ubuntu",
        "library/_ubuntu",
        "library/ubuntu_",
        "library/ubuntu___x",
        "ubuntu@sha256:0123",
        "ubuntu@sha256:" + "g123456789abcdef0123456789abcdef",
        "ubuntu@256:" + "0123456789abcdef0123456789abcdef",
        "ubuntu:24.04@sha256",
        "[::1/x",
        "ubuntu:*",
    })
    void refusesEverythingElse(String reference) {
        assertThat(Syntax.IMAGE.accepts(reference)).as(reference).isFalse();
    }

    @org.junit.jupiter.api.Test
    void refusesNamesLongerThanRegistriesAllow() {
        String name = "registry.example.internal:5000/" + "a".repeat(255 - "registry.example.internal:5000/".length());
        assertThat(name).hasSize(255);
        assertThat(Syntax.IMAGE.accepts(name + ":" + "t".repeat(128) + "@sha256:" + HEX64)).isTrue();
        assertThat(Syntax.IMAGE.accepts("b" + name)).isFalse();
        assertThat(Syntax.IMAGE.accepts("ubuntu:" + "t".repeat(129))).isFalse();
    }
}
