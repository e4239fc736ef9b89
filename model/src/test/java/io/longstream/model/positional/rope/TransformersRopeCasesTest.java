package io.longstream.model.positional.rope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longstream.model.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

/**
 * Every type transformers implements, checked against {@code rope/hf-cases.json}: inv_freq and attention
 * factor computed by transformers' own functions (see {@code model/src/test/python/generate_rope_cases.py}),
 * for the same config in both the 4.x and the 5.x layout, parsed by {@code ModelConfigParser}.
 *
 * <p>transformers computes inv_freq in float32 and we in double, so frequencies are compared with a
 * relative tolerance of 1e-6 (float32 rounding is ~6e-8); attention factors are doubles on both sides.
 */
class TransformersRopeCasesTest {

  private static final double RELATIVE_TOLERANCE = 1e-6;
  private static final double ATTENTION_TOLERANCE = 1e-6;
  private static final JsonNode FIXTURE = load();

  @TestFactory
  Stream<DynamicTest> shouldMatchTransformersForEveryRecordedCaseAndLayout() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : FIXTURE.get("cases")) {
      for (Map.Entry<String, JsonNode> layout : c.get("layouts").properties()) {
        tests.add(DynamicTest.dynamicTest(
            c.get("name").asString() + " (" + layout.getKey() + ")",
            () -> assertCase(c, layout.getKey(), layout.getValue())));
      }
    }
    return tests.stream();
  }

  @Test
  void shouldCoverEveryTransformersTypeWeRegister() {
    Set<String> covered = new HashSet<>();
    FIXTURE.get("cases").forEach(c -> covered.add(c.get("ropeType").asString()));
    Set<String> transformersTypes = new HashSet<>(RopeScalings.knownTypes());
    transformersTypes.removeAll(Set.of(NtkAwareRope.TYPE, TruncatedRope.TYPE));

    assertThat(covered).containsExactlyInAnyOrderElementsOf(transformersTypes);
  }

  @Test
  void shouldRecordWhichTransformersProducedTheFixture() {
    assertThat(FIXTURE.get("transformers").asString()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void shouldMatchTransformersDefaultWithPartialRotaryFactor() {
    assertNamedCase("default_d64_partial05");
  }

  @Test
  void shouldMatchTransformersLinearWithLegacyTypeKey() {
    assertNamedCase("linear_d64_factor4_legacy_type");
  }

  @Test
  void shouldMatchTransformersDynamicBelowAtAndBeyondMaxPositions() {
    assertNamedCase("dynamic_d128_factor2");
  }

  @Test
  void shouldMatchTransformersYarnWithMscale() {
    assertNamedCase("yarn_d64_mscale_and_mscale_all_dim");
    assertNamedCase("yarn_d64_mscale_without_mscale_all_dim");
  }

  @Test
  void shouldMatchTransformersYarnWithAttentionFactorOverride() {
    assertNamedCase("yarn_d128_attention_factor_override");
  }

  @Test
  void shouldMatchTransformersYarnWithoutTruncation() {
    assertNamedCase("yarn_d64_gptoss_truncate_false");
  }

  @Test
  void shouldMatchTransformersYarnWithCustomBetas() {
    assertNamedCase("yarn_d128_beta_fast16_beta_slow2");
  }

  @Test
  void shouldMatchTransformersYarnFallingBackToMaxPositions() {
    assertNamedCase("yarn_d64_without_original_uses_max_position");
    assertNamedCase("yarn_d64_null_factor_uses_max_over_original");
  }

  @Test
  void shouldMatchTransformersLlama31() {
    assertNamedCase("llama3_d128_llama31");
  }

  @Test
  void shouldMatchTransformersLongRopeShortAndLongFactors() {
    assertNamedCase("longrope_d96_phi3_top_level_original");
    assertNamedCase("longrope_d64_section_original_explicit_factor");
  }

  @Test
  void shouldMatchTransformers4LongRopeIgnoringGivenFactorForTopLevelOriginal() {
    assertNamedCase("longrope_d96_phi3_given_factor_ignored_as_in_transformers4");
  }

  private static void assertNamedCase(String name) {
    JsonNode c = caseNamed(name);
    for (Map.Entry<String, JsonNode> layout : c.get("layouts").properties()) {
      assertCase(c, layout.getKey(), layout.getValue());
    }
  }

  private static void assertCase(JsonNode c, String layoutName, JsonNode layout) {
    ModelConfig config =
        RopeTestConfigs.config(c.get("headDim").asInt(), c.get("maxPositionEmbeddings").asInt(), layout);
    assertThat(config.rotaryDim()).isEqualTo(c.get("rotaryDim").asInt());
    RopeScaling scaling = RopeTestConfigs.scaling(config);
    assertThat(scaling.type()).isEqualTo(c.get("ropeType").asString());
    for (JsonNode expected : c.get("expected")) {
      long seqLen = expected.get("seqLen").asLong();
      RopeFrequencies actual = scaling.frequencies(seqLen);
      String where = c.get("name").asString() + " (" + layoutName + ") seqLen " + seqLen;
      assertFrequencies(actual.inverseFrequencies(), expected.get("invFreq"), where);
      assertThat(actual.attentionFactor())
          .as("attention factor, %s", where)
          .isCloseTo(expected.get("attentionFactor").asDouble(), within(ATTENTION_TOLERANCE));
    }
  }

  private static void assertFrequencies(double[] actual, JsonNode expected, String where) {
    assertThat(actual).as("pairs, %s", where).hasSize(expected.size());
    for (int j = 0; j < actual.length; j++) {
      double e = expected.get(j).asDouble();
      assertThat(actual[j])
          .as("inv_freq[%d], %s", j, where)
          .isCloseTo(e, within(RELATIVE_TOLERANCE * Math.abs(e)));
    }
  }

  private static JsonNode caseNamed(String name) {
    for (JsonNode c : FIXTURE.get("cases")) {
      if (c.get("name").asString().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no case '" + name + "' in rope/hf-cases.json");
  }

  private static JsonNode load() {
    try (InputStream in = TransformersRopeCasesTest.class.getResourceAsStream("/rope/hf-cases.json")) {
      if (in == null) {
        throw new IllegalStateException("rope/hf-cases.json missing from test resources");
      }
      return RopeTestConfigs.JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
