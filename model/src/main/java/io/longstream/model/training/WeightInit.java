package io.longstream.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.LayerWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * A freshly initialised model as transformers' {@code LlamaPreTrainedModel._init_weights} makes one:
 * every linear and embedding matrix ~ N(0, {@value #INITIALIZER_RANGE}²), every RMSNorm weight 1. Values
 * are drawn in Java from one seeded {@link SplitMix64} in a fixed order (embedding, layers, LM head), so a
 * seed gives bit-identical weights on every machine and thread count, independent of libtorch's RNG.
 */
public final class WeightInit {

  /** transformers' {@code initializer_range} default, written into {@code config.json}. */
  public static final double INITIALIZER_RANGE = 0.02;

  private final ModelConfig config;
  private final NDManager manager;
  private final SplitMix64 random;

  private WeightInit(ModelConfig config, NDManager manager, long seed) {
    this.config = config;
    this.manager = manager;
    this.random = new SplitMix64(seed);
  }

  /** Float32 weights for {@code config} on {@code manager}'s device, owned by {@code manager}. */
  public static DecoderWeights random(ModelConfig config, NDManager manager, long seed) {
    return new WeightInit(config, manager, seed).weights();
  }

  private DecoderWeights weights() {
    int d = config.hiddenSize();
    NDArray embedding = normal(config.vocabSize(), d);
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      layers.add(layer());
    }
    NDArray finalNorm = ones(d);
    NDArray lmHead = config.tieWordEmbeddings() ? embedding : normal(config.vocabSize(), d);
    return new DecoderWeights(embedding, layers, finalNorm, lmHead);
  }

  private LayerWeights layer() {
    int d = config.hiddenSize();
    int dh = config.headDim();
    int qkvRows = (config.numAttentionHeads() + 2 * config.numKeyValueHeads()) * dh;
    return new LayerWeights(
        ones(d),
        normal(qkvRows, d), // [(H + 2·Hkv)·Dh, D]: q, k, v rows, each N(0, σ²) as the unfused projections
        null,
        normal(d, config.numAttentionHeads() * dh), // [D, H·Dh]
        ones(d),
        normal(2 * config.intermediateSize(), d), // [2·F, D]: gate, up
        normal(d, config.intermediateSize())); // [D, F]
  }

  private NDArray normal(int rows, int columns) {
    float[] values = new float[Math.multiplyExact(rows, columns)];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * INITIALIZER_RANGE);
    }
    return owned(manager.create(values, new Shape(rows, columns)));
  }

  /**
   * A copy in libtorch-allocated (64-byte aligned) memory: an array created from Java data wraps a direct
   * buffer of arbitrary alignment, and MKL's matmul kernels may sum in a different order depending on
   * alignment, which made two runs with one seed drift apart after ~100 steps.
   */
  private static NDArray owned(NDArray wrapped) {
    NDArray copy = wrapped.duplicate();
    wrapped.close();
    return copy;
  }

  private NDArray ones(int size) {
    return manager.ones(new Shape(size)); // allocated by libtorch
  }
}
