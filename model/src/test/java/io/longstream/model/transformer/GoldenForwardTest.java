package io.longstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.Fixtures;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine reproduces Hugging Face transformers' logits and final hidden states (after the final norm)
 * on tiny random checkpoints covering each family, attention layout, dtype and rope type.
 */
class GoldenForwardTest {

  static final double TOLERANCE = 1e-4;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "llama-gqa",
        "llama-mha-tied",
        "qwen2-bias",
        "mistral-sliding",
        "llama-headdim",
        "rope-linear",
        "rope-dynamic",
        "rope-yarn",
        "rope-yarn-mscale",
        "rope-llama3",
        "rope-longrope",
        "llama-sharded-bf16",
        "llama-sharded-bf16-f32twin"
      })
  void shouldMatchTransformersLogitsAndHiddenStates(String name) {
    try (LanguageModel lm = Fixtures.load(name);
        NDManager manager = lm.manager().newSubManager();
        SafetensorsFile expected = SafetensorsFile.open(Fixtures.golden(name).resolve("expected.safetensors"))) {
      long[] ids = expected.load("input_ids", manager).toType(DataType.INT64, false).toLongArray();
      long[] positions = expected.load("position_ids", manager).toType(DataType.INT64, false).toLongArray();
      DecoderModel model = lm.model();
      ForwardResult result = model.forward(manager, model.tokens(manager, ids), positions, model.noCache());
      assertClose(result.logits().squeeze(0), expected.load("logits", manager), name + " logits");
      assertClose(result.hidden().squeeze(0), expected.load("hidden", manager), name + " hidden");
    }
  }

  @Test
  void shouldGiveTheF32TwinsLogitsFromShardedBf16WeightsToBf16Tolerance() {
    try (LanguageModel bf16 = Fixtures.load("llama-sharded-bf16");
        LanguageModel f32 = Fixtures.load("llama-sharded-bf16-f32twin");
        NDManager manager = bf16.manager().newSubManager()) {
      long[] ids = {1, 5, 9, 14, 3, 22, 17, 8};
      long[] positions = {0, 1, 2, 3, 4, 5, 6, 7};
      NDArray a = logits(bf16, manager, ids, positions);
      NDArray b = logits(f32, manager, ids, positions);
      float maxDiff = a.sub(b).abs().max().getFloat();
      float scale = b.abs().max().getFloat();
      // bf16 keeps 8 significand bits (relative rounding 2^-9 per weight); errors stay well under 5 %.
      assertThat(maxDiff / scale).isLessThan(0.05f).isGreaterThan(0f);
    }
  }

  @Test
  void shouldNotGrowNativeMemoryAcrossCalls() {
    try (LanguageModel lm = Fixtures.load("llama-gqa")) {
      int weights = lm.manager().getManagedArrays().size();
      for (int i = 0; i < 50; i++) {
        try (NDManager call = lm.manager().newSubManager()) {
          logits(lm, call, new long[] {1, 2, 3, 4}, new long[] {0, 1, 2, 3});
        }
        assertThat(lm.manager().getManagedArrays().size()).isEqualTo(weights);
      }
    }
  }

  private static NDArray logits(LanguageModel lm, NDManager manager, long[] ids, long[] positions) {
    DecoderModel model = lm.model();
    return model.forward(manager, model.tokens(manager, ids), positions, model.noCache()).logits();
  }

  static void assertClose(NDArray actual, NDArray expected, String what) {
    assertThat(actual.getShape()).as(what + " shape").isEqualTo(expected.getShape());
    float maxDiff = actual.sub(expected).abs().max().getFloat();
    assertThat((double) maxDiff).as(what + " max |Δ|").isLessThanOrEqualTo(TOLERANCE);
  }
}
