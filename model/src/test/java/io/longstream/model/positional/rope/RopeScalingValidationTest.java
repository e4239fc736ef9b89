package io.longstream.model.positional.rope;

import static io.longstream.model.positional.rope.RopeTestConfigs.rope5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configurations we cannot run fail at start-up, naming the field (or the known types). */
class RopeScalingValidationTest {

  private static final String LLAMA31 = "\"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0,"
      + " \"original_max_position_embeddings\": 8192";

  @Test
  void shouldRegisterEveryScalingType() {
    assertThat(RopeScalings.knownTypes())
        .containsExactly("default", "dynamic", "linear", "llama3", "longrope", "ntk", "truncated", "yarn");
  }

  @Test
  void shouldListKnownTypesForUnknownType() {
    RopeParameters su = RopeParameters.unscaled(10_000).withScaling("su", 2.0);

    assertThatThrownBy(() -> RopeScalings.create(su, 64, 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'su'")
        .hasMessageContaining("[default, dynamic, linear, llama3, longrope, ntk, truncated, yarn]");
  }

  @Test
  void shouldListKnownTypesWhenConfigNamesUnknownType() {
    assertThatThrownBy(() -> rope5(64, 4096, "{\"rope_type\": \"mrope\", \"factor\": 2.0}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("known types: [default, dynamic");
  }

  @ParameterizedTest
  @ValueSource(strings = {"low_freq_factor", "high_freq_factor"})
  void shouldNameMissingLlama3Factor(String field) {
    String section = "{\"rope_type\": \"llama3\", " + LLAMA31.replace("\"" + field + "\"", "\"unused\"") + "}";

    assertThatThrownBy(() -> rope5(128, 131072, section))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + field + "'")
        .hasMessageContaining("llama3");
  }

  @Test
  void shouldRejectLlama3WithHighFactorNotAboveLowFactor() {
    assertThatThrownBy(() -> rope5(128, 131072, "{\"rope_type\": \"llama3\", \"factor\": 8.0,"
            + " \"low_freq_factor\": 4.0, \"high_freq_factor\": 4.0}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("high_freq_factor > low_freq_factor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"short_factor", "long_factor"})
  void shouldNameMissingLongRopeFactors(String field) {
    String other = field.equals("short_factor") ? "long_factor" : "short_factor";

    assertThatThrownBy(() -> rope5(8, 4096, "{\"rope_type\": \"longrope\", \"" + other + "\": [1, 1, 1, 1]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + field + "'");
  }

  @Test
  void shouldRequireOneLongRopeFactorPerRotaryPair() {
    assertThatThrownBy(() -> rope5(8, 4096, "{\"rope_type\": \"longrope\","
            + " \"short_factor\": [1, 1, 1, 1], \"long_factor\": [1, 2, 4, 8, 16, 32, 64, 128]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'long_factor' must have rotaryDim / 2 = 4 entries")
        .hasMessageContaining("got 8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "dynamic", "ntk", "yarn", "llama3"})
  void shouldRequireFactorLikeTransformers(String type) {
    assertThatThrownBy(() -> rope5(64, 4096, "{\"rope_type\": \"" + type + "\", \"low_freq_factor\": 1.0,"
            + " \"high_freq_factor\": 4.0}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("factor is required for rope type '" + type + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dynamic", "ntk"})
  void shouldRejectNtkBaseChangeForSingleRotaryPair(String type) {
    RopeParameters parameters = RopeParameters.unscaled(10_000).withScaling(type, 2.0);

    assertThatThrownBy(() -> RopeScalings.create(parameters, 2, 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rotary dimension > 2");
  }
}
