package io.nodeimage.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

    @Test
    void suggestsTheClosestKnownWord() {
        assertThat(DidYouMean.closest("moduls", List.of("modules", "cmdline", "package"))).contains("modules");
        assertThat(DidYouMean.closest("nouvea", List.of("nouveau", "nvidia"))).contains("nouveau");
        assertThat(DidYouMean.closest("cmdlnie", List.of("modules", "cmdline"))).contains("cmdline");
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertThat(DidYouMean.closest("zzzzzz", List.of("modules", "cmdline"))).isEmpty();
        assertThat(DidYouMean.hint("zzzzzz", List.of("b", "a"))).isEqualTo("expected one of: a, b");
    }
}
