package io.longstream.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.positional.ParameterSource;
import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Tiny random Llama-layout checkpoints with any positional scheme, written in the Hugging Face layout
 * (config.json + model.safetensors, learned positional tensors under their checkpoint names, and the
 * golden fixtures' 96-token tokenizer.json). D 32, H 6 (not a power of two), Hkv 2, Dh 8, F 48, V 96,
 * trained context (max_position_embeddings) 64. Every tensor is drawn by {@link ParameterSource#random}
 * from the seed, so a checkpoint is a pure function of (scheme, layers, seed).
 */
public final class TinyModels {

  public static final int HIDDEN = 32;
  public static final int HEADS = 6;
  public static final int KV_HEADS = 2;
  public static final int HEAD_DIM = 8;
  public static final int FFN = 48;
  public static final int VOCAB = 96;
  public static final int CONTEXT = 64;

  private TinyModels() {}

  public static String configJson(String scheme, int layers) {
    return """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": %d,
         "intermediate_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d,
         "num_key_value_heads": %d, "head_dim": %d, "rms_norm_eps": 1e-5, "max_position_embeddings": %d,
         "rope_theta": 10000.0, "vocab_size": %d, "tie_word_embeddings": false, "torch_dtype": "float32",
         "longstream_positional_encoding": "%s"}
        """
        .formatted(HIDDEN, FFN, layers, HEADS, KV_HEADS, HEAD_DIM, CONTEXT, VOCAB, scheme);
  }

  /** Writes a checkpoint into {@code dir} (created if needed) and returns it. */
  public static Path write(Path dir, String scheme, int layers, long seed) {
    try {
      Files.createDirectories(dir);
      String json = configJson(scheme, layers);
      Files.writeString(dir.resolve("config.json"), json);
      Files.copy(
          Fixtures.golden("tokenizer").resolve("tokenizer.json"),
          dir.resolve("tokenizer.json"),
          StandardCopyOption.REPLACE_EXISTING);
      ModelConfig config = ModelConfigParser.parse(json);
      try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
        ParameterSource random = ParameterSource.random(seed, manager, DataType.FLOAT32, Device.cpu());
        SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
        decoderTensors(config, random).forEach(writer::add);
        PositionalEncodings.create(config, DataType.FLOAT32, random).namedParameters().forEach(writer::add);
        writer.write(dir.resolve("model.safetensors"));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static LanguageModel load(Path dir) {
    return LanguageModel.load(dir, EngineOptions.cpu());
  }

  private static Map<String, NDArray> decoderTensors(ModelConfig c, ParameterSource random) {
    var tensors = new java.util.LinkedHashMap<String, NDArray>();
    long q = (long) c.numAttentionHeads() * c.headDim();
    long kv = (long) c.numKeyValueHeads() * c.headDim();
    int d = c.hiddenSize();
    int f = c.intermediateSize();
    put(tensors, random, "model.embed_tokens.weight", 1.0, c.vocabSize(), d);
    for (int i = 0; i < c.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      norm(tensors, random, p + "input_layernorm.weight", d);
      put(tensors, random, p + "self_attn.q_proj.weight", 0.3, q, d);
      put(tensors, random, p + "self_attn.k_proj.weight", 0.3, kv, d);
      put(tensors, random, p + "self_attn.v_proj.weight", 0.3, kv, d);
      put(tensors, random, p + "self_attn.o_proj.weight", 0.2, d, q);
      norm(tensors, random, p + "post_attention_layernorm.weight", d);
      put(tensors, random, p + "mlp.gate_proj.weight", 0.2, f, d);
      put(tensors, random, p + "mlp.up_proj.weight", 0.2, f, d);
      put(tensors, random, p + "mlp.down_proj.weight", 0.2, d, f);
    }
    norm(tensors, random, "model.norm.weight", d);
    put(tensors, random, "lm_head.weight", 0.3, c.vocabSize(), d);
    return tensors;
  }

  private static void put(Map<String, NDArray> tensors, ParameterSource random, String name, double std, long... shape) {
    tensors.put(name, random.tensor(name, new Shape(shape), std));
  }

  /** RMSNorm weights near 1. */
  private static void norm(Map<String, NDArray> tensors, ParameterSource random, String name, int d) {
    tensors.put(name, random.tensor(name, new Shape(d), 0.1).add(1f));
  }
}
