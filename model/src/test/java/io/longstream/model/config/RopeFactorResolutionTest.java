package io.longstream.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longstream.model.positional.rope.RopeParameters;
import org.junit.jupiter.api.Test;

/** How {@link RopeParametersParser} resolves {@code factor} and the original context, per transformers version. */
class RopeFactorResolutionTest {

  private static final String FACTORS = "\"short_factor\": [1, 1, 1, 1], \"long_factor\": [1, 2, 3, 4]";

  @Test
  void shouldUseMaxOverOriginalForTransformers4LongRopeWithTopLevelOriginal() {
    RopeParameters rope = parse(
        "\"original_max_position_embeddings\": 4096,"
            + " \"rope_scaling\": {\"type\": \"longrope\", \"factor\": 2.0, " + FACTORS + "}");

    assertThat(rope.factor()).isEqualTo(32.0);
    assertThat(rope.originalMaxPositionEmbeddings()).isEqualTo(4096);
  }

  @Test
  void shouldKeepGivenFactorForTransformers5LongRope() {
    RopeParameters rope = parse(
        "\"original_max_position_embeddings\": 4096,"
            + " \"rope_parameters\": {\"rope_type\": \"longrope\", \"factor\": 2.0, " + FACTORS + "}");

    assertThat(rope.factor()).isEqualTo(2.0);
  }

  @Test
  void shouldDeriveMissingYarnFactorFromOriginalContext() {
    RopeParameters rope = parse(
        "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": null, \"original_max_position_embeddings\": 8192}");

    assertThat(rope.factor()).isEqualTo(16.0);
  }

  @Test
  void shouldPreferTopLevelOriginalContextAsTransformers5Does() {
    RopeParameters rope = parse("\"original_max_position_embeddings\": 2048,"
        + " \"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0, \"original_max_position_embeddings\": 1024}");

    assertThat(rope.originalMaxPositionEmbeddings()).isEqualTo(2048);
  }

  @Test
  void shouldNameMissingFactorForLinear() {
    assertThatThrownBy(() -> parse("\"rope_scaling\": {\"rope_type\": \"linear\"}"))
        .isInstanceOf(ModelConfigException.class)
        .hasMessage("rope_scaling.factor is required for rope type 'linear'");
  }

  private static RopeParameters parse(String ropeFields) {
    return ModelConfigParser.parse("{\"model_type\": \"llama\", \"hidden_size\": 16, \"num_attention_heads\": 2,"
            + " \"intermediate_size\": 32, \"num_hidden_layers\": 1, \"vocab_size\": 32,"
            + " \"max_position_embeddings\": 131072, " + ropeFields + "}")
        .rope();
  }
}
