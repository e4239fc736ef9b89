package io.longstream.model.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.weights.Checkpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a Hugging Face checkpoint's tensors (Llama/Mistral/Qwen2 names) to {@link DecoderWeights}: checks
 * every shape against the config, fuses q/k/v and gate/up, and moves everything to the compute dtype and
 * device. Each source tensor is released as soon as it is converted, so weights are never held twice.
 */
public final class WeightLoader {

  private final Checkpoint checkpoint;
  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dataType;
  private final Device device;

  private WeightLoader(Checkpoint checkpoint, ModelConfig config, NDManager manager, DataType dataType, Device device) {
    this.checkpoint = checkpoint;
    this.config = config;
    this.manager = manager;
    this.dataType = dataType;
    this.device = device;
  }

  /** Loads all weights onto {@code manager}, which then owns them. */
  public static DecoderWeights load(
      Checkpoint checkpoint, ModelConfig config, NDManager manager, DataType dataType, Device device) {
    return new WeightLoader(checkpoint, config, manager, dataType, device).load();
  }

  private DecoderWeights load() {
    int d = config.hiddenSize();
    NDArray embedding = tensor("model.embed_tokens.weight", config.vocabSize(), d);
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(layer("model.layers." + i + "."));
    }
    NDArray finalNorm = tensor("model.norm.weight", d);
    NDArray lmHead;
    if (config.tieWordEmbeddings()) {
      lmHead = embedding;
    } else {
      lmHead = tensor("lm_head.weight", config.vocabSize(), d);
    }
    return new DecoderWeights(embedding, layers, finalNorm, lmHead);
  }

  private LayerWeights layer(String prefix) {
    int d = config.hiddenSize();
    long q = (long) config.numAttentionHeads() * config.headDim();
    long kv = (long) config.numKeyValueHeads() * config.headDim();
    int f = config.intermediateSize();
    String attn = prefix + "self_attn.";
    NDArray qkv = fused(
        tensor(attn + "q_proj.weight", q, d), tensor(attn + "k_proj.weight", kv, d), tensor(attn + "v_proj.weight", kv, d));
    NDArray qkvBias = config.attentionBias()
        ? fused(tensor(attn + "q_proj.bias", q), tensor(attn + "k_proj.bias", kv), tensor(attn + "v_proj.bias", kv))
        : null;
    String mlp = prefix + "mlp.";
    NDArray gateUp = fused(tensor(mlp + "gate_proj.weight", f, d), tensor(mlp + "up_proj.weight", f, d));
    return new LayerWeights(
        tensor(prefix + "input_layernorm.weight", d),
        qkv,
        qkvBias,
        tensor(attn + "o_proj.weight", d, q),
        tensor(prefix + "post_attention_layernorm.weight", d),
        gateUp,
        tensor(mlp + "down_proj.weight", d, f));
  }

  /** Concatenates along the output axis and frees the parts. */
  private NDArray fused(NDArray... parts) {
    NDArray out = parts[0].concat(parts[1], 0);
    for (int i = 2; i < parts.length; i++) {
      NDArray next = out.concat(parts[i], 0);
      out.close();
      out = next;
    }
    for (NDArray p : parts) {
      p.close();
    }
    out.attach(manager);
    return out;
  }

  /**
   * One tensor, shape-checked, in the compute dtype on the compute device, owned by the model manager. A
   * tensor already in that dtype on the CPU is the checkpoint's mapped tensor itself (kept mapped by the
   * checkpoint's lease for the model's life); otherwise each conversion is a copy and what it replaced is
   * closed at once. (DJL's {@code toType}/{@code toDevice} with {@code copy = true} would not copy here
   * either: to the same type or device they return a second handle on the same memory, which this method
   * used to leave open, one per tensor.)
   */
  private NDArray tensor(String name, long... shape) {
    NDArray stored = checkpoint.load(name, manager, new Shape(shape));
    NDArray typed = stored.toType(dataType, false);
    if (typed != stored) {
      stored.close();
    }
    NDArray placed = typed.toDevice(device, false);
    if (placed != typed) {
      typed.close();
    }
    placed.attach(manager);
    return placed;
  }
}
