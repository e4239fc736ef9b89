package io.longstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import io.longstream.model.config.ModelConfigWriter;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.TorchScriptKernels;
import io.longstream.model.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointWriterTest {

  @TempDir Path dir;

  static ModelShape shape(boolean tied) {
    return new ModelShape(32, 2, 4, 2, 48, ByteTokenizer.VOCAB_SIZE, 16, "rope", 10_000, tied);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldReloadWithIdenticalLogits(boolean tied) {
    ModelConfig config = shape(tied).toConfig();
    long[] ids = Arrays.stream(ByteTokenizer.encode("Résumé: the sink cache streams on.")).asLongStream().toArray();
    long[] positions = java.util.stream.LongStream.range(0, ids.length).toArray();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      DecoderWeights weights = WeightInit.random(config, manager, 42);
      // The same attention kernel as LanguageModel.load uses: the round trip, not the kernel, is under test.
      DecoderModel original = new DecoderModel(config, weights, PositionalEncodings.create(config, DataType.FLOAT32),
          DataType.FLOAT32, Device.cpu(), TorchScriptKernels.load(manager));
      CheckpointWriter.write(dir, config, weights, ByteTokenizer.tokenizerJson());
      NDArray expected = original.forward(manager, original.tokens(manager, ids), positions, original.noCache()).logits();
      try (LanguageModel lm = LanguageModel.load(dir, EngineOptions.cpu());
          NDManager step = lm.manager().newSubManager()) {
        DecoderModel loaded = lm.model();
        NDArray actual = loaded.forward(step, loaded.tokens(step, ids), positions, loaded.noCache()).logits();
        assertThat(lm.config()).isEqualTo(config);
        // The reloaded model attends with the fused kernel, the in-memory one from its parts: last bits differ.
        assertThat(actual.toFloatArray()).containsExactly(expected.toFloatArray(), org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void shouldWriteHuggingFaceTensorNamesAndNoLmHeadWhenTied() {
    ModelConfig config = shape(true).toConfig();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      CheckpointWriter.write(dir, config, WeightInit.random(config, manager, 1), ByteTokenizer.tokenizerJson());
    }
    try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      assertThat(file.tensorNames())
          .contains(
              "model.embed_tokens.weight",
              "model.layers.1.self_attn.q_proj.weight",
              "model.layers.1.self_attn.k_proj.weight",
              "model.layers.1.self_attn.v_proj.weight",
              "model.layers.1.mlp.gate_proj.weight",
              "model.layers.1.mlp.up_proj.weight",
              "model.norm.weight")
          .doesNotContain("lm_head.weight")
          .hasSize(1 + 2 * 9 + 1);
      assertThat(file.info("model.layers.0.self_attn.k_proj.weight").shape().getShape()).containsExactly(16, 32);
      assertThat(file.metadata()).containsEntry("format", "pt");
    }
  }

  @Test
  void shouldParseTheWrittenConfigBackIntoAnEqualConfig() {
    ModelConfig rope = shape(false).toConfig();
    assertThat(ModelConfigParser.parse(ModelConfigWriter.toJson(rope, 256, 257))).isEqualTo(rope);
    String json = ModelConfigWriter.toJson(rope, 256, 257);
    assertThat(json).contains("\"model_type\" : \"llama\"", "\"LlamaForCausalLM\"", "\"rope_parameters\"", "\"rope_theta\"")
        .doesNotContain("longstream_positional_encoding");
  }

  @Test
  void shouldNameANonRopeSchemeInTheConfig() {
    ModelShape nope = new ModelShape(32, 1, 4, 4, 48, ByteTokenizer.VOCAB_SIZE, 16, "nope", 10_000, false);
    assertThat(ModelConfigWriter.toJson(nope.toConfig(), 256, 257)).contains("\"longstream_positional_encoding\" : \"nope\"");
  }

  @Test
  void shouldInitialiseLikeTransformersDeterministically() {
    ModelConfig config = shape(false).toConfig();
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      DecoderWeights a = WeightInit.random(config, manager, 5);
      DecoderWeights b = WeightInit.random(config, manager, 5);
      DecoderWeights c = WeightInit.random(config, manager, 6);
      assertThat(a.layers().get(1).qkv().toFloatArray()).containsExactly(b.layers().get(1).qkv().toFloatArray());
      assertThat(a.embedding().toFloatArray()).isNotEqualTo(c.embedding().toFloatArray());
      assertThat(a.layers().get(0).inputNorm().toFloatArray()).containsOnly(1f);
      NDArray gateUp = a.layers().get(0).gateUp();
      assertThat(gateUp.mean().getFloat()).isCloseTo(0f, org.assertj.core.data.Offset.offset(0.002f));
      assertThat(gateUp.sub(gateUp.mean()).square().mean().sqrt().getFloat())
          .isCloseTo((float) WeightInit.INITIALIZER_RANGE, org.assertj.core.data.Offset.offset(0.001f));
    }
  }
}
