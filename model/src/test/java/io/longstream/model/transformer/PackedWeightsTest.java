package io.longstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.engine.BundledModels;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * On a CPU in float32 the model runs its projections and LM head on weights packed for oneDNN; its numbers are
 * those of DJL's plain products. The bundled model's dimensions are multiples of 64, so every projection is packed.
 */
class PackedWeightsTest {

  @Test
  void shouldGiveThePlainModelsNumbers() {
    try (LanguageModel lm = LanguageModel.load(BundledModels.directory(BundledModels.DEFAULT), EngineOptions.cpu());
        NDManager manager = lm.manager().newSubManager();
        TorchScriptKernels kernels = TorchScriptKernels.load(manager)) {
      DecoderModel packed = lm.model();
      PackedWeights.Layer first = new PackedWeights(kernels, packed.weights()).layer(0);
      assertThat(first.qkv()).isNotNull();
      assertThat(first.output()).isNotNull();
      assertThat(first.gateUp()).isNotNull();
      assertThat(first.down()).isNotNull();
      DecoderModel plain =
          new DecoderModel(packed.config(), packed.weights(), packed.positional(), DataType.FLOAT32, packed.device());
      long[] ids = LongStream.range(0, 300).map(i -> (i * 7919 + 3) % packed.config().vocabSize()).toArray();
      long[] positions = LongStream.range(0, ids.length).toArray();
      ForwardResult a = packed.forward(manager, packed.tokens(manager, ids), positions, packed.noCache());
      ForwardResult b = plain.forward(manager, plain.tokens(manager, ids), positions, plain.noCache());
      assertClose(a.hidden(), b.hidden(), 1e-4);
      assertClose(a.logits(), b.logits(), 1e-4);
      NDArray rows = a.hidden().squeeze(0);
      // Slices of 64 entries: 4 packed, and a last one of 3 (259 entries) that is not.
      assertClose(packed.logSumExp(rows, 64), plain.logSumExp(rows, 64), 1e-4);
      assertClose(packed.logSumExp(rows, 64), plain.logSumExp(rows, 259), 1e-4);
    }
  }

  private static void assertClose(NDArray actual, NDArray expected, double tolerance) {
    assertThat(actual.getShape()).isEqualTo(expected.getShape());
    assertThat(actual.sub(expected).abs().max().getFloat()).isLessThanOrEqualTo((float) tolerance);
  }
}
