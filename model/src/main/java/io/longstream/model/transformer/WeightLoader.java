package io.longstream.model.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
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
    String mlp = prefix + "mlp.";
    try (NDManager parts = manager.newSubManager()) {
      NDArray qkv = fused(
          tensor(parts, attn + "q_proj.weight", q, d),
          tensor(parts, attn + "k_proj.weight", kv, d),
          tensor(parts, attn + "v_proj.weight", kv, d));
      NDArray qkvBias = config.attentionBias()
          ? fused(tensor(parts, attn + "q_proj.bias", q), tensor(parts, attn + "k_proj.bias", kv), tensor(parts, attn + "v_proj.bias", kv))
          : null;
      NDArray gateUp = fused(tensor(parts, mlp + "gate_proj.weight", f, d), tensor(parts, mlp + "up_proj.weight", f, d));
      return new LayerWeights(
          tensor(manager, prefix + "input_layernorm.weight", d),
          qkv,
          qkvBias,
          tensor(manager, attn + "o_proj.weight", d, q),
          tensor(manager, prefix + "post_attention_layernorm.weight", d),
          gateUp,
          tensor(manager, mlp + "down_proj.weight", d, f));
    }
  }

  /**
   * Concatenates along the output axis into the model's manager. The parts were loaded into a temporary
   * manager, so their file mappings are released with it: fused weights are not also held mapped.
   */
  private NDArray fused(NDArray... parts) {
    NDArray out = NDArrays.concat(new NDList(parts), 0);
    out.attach(manager);
    return out;
  }

  /**
   * One tensor, shape-checked, in the compute dtype on the compute device, owned by {@code owner}. A
   * float32 tensor on the CPU stays a zero-copy view of the memory-mapped file.
   */
  private NDArray tensor(NDManager owner, String name, long... shape) {
    NDArray stored = checkpoint.load(name, owner, new Shape(shape));
    NDArray converted = stored.toType(dataType, false).toDevice(device, false);
    if (converted != stored) {
      stored.close();
    }
    return converted;
  }

  private NDArray tensor(String name, long... shape) {
    return tensor(manager, name, shape);
  }
}
