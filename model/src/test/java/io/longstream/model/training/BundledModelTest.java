package io.longstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.engine.BundledModels;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.transformer.DecoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The default model committed under src/main/resources/models is what its training card says. */
class BundledModelTest {

  @Test
  void shouldBeASmallByteLevelRopeLlamaAtContext256() throws Exception {
    Path dir = BundledModels.directory(BundledModels.DEFAULT);
    assertThat(Files.size(dir.resolve("model.safetensors"))).isLessThanOrEqualTo(16L << 20);
    assertThat(dir.resolve("TRAINING.md")).exists();
    try (LanguageModel lm = LanguageModel.load(dir, EngineOptions.cpu())) {
      assertThat(lm.config().positionalEncoding()).isEqualTo("rope");
      assertThat(lm.config().maxPositionEmbeddings()).isEqualTo(256);
      assertThat(lm.config().vocabSize()).isEqualTo(ByteTokenizer.VOCAB_SIZE);
      assertThat(lm.tokenizer().encode("été", false).ids()).containsExactly(0xC3, 0xA9, 't', 0xC3, 0xA9);
    }
  }

  @Test
  void shouldPredictHeldOutEuroparlFarBetterThanChance() {
    TokenSplit data = TokenSplit.of(Corpus.europarl(), 0.02); // the split the card's recipe used
    long[][] windows = WindowSampler.evenlySpaced(data.validation(), 256, 4);
    try (LanguageModel lm = LanguageModel.load(BundledModels.directory(BundledModels.DEFAULT), EngineOptions.cpu());
        NDManager manager = lm.manager().newSubManager()) {
      DecoderModel model = lm.model();
      long[] positions = LongStream.range(0, 256).toArray();
      double total = 0;
      for (long[] window : windows) {
        NDArray tokens = manager.create(java.util.Arrays.copyOfRange(window, 0, 256), new Shape(1, 256));
        NDArray targets = manager.create(java.util.Arrays.copyOfRange(window, 1, 257), new Shape(1, 256, 1));
        NDArray logits = model.forward(manager, tokens, positions, model.noCache()).logits();
        total += logits.logSoftmax(2).gather(targets, 2).mean().neg().getFloat();
      }
      double loss = total / windows.length;
      assertThat(loss).as("held-out nats per byte (chance: ln 259 = 5.56)").isLessThan(2.5);
    }
  }
}
