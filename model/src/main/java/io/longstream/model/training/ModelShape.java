package io.longstream.model.training;

import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelFamily;
import io.longstream.model.config.RotaryLayout;
import io.longstream.model.positional.rope.RopeParameters;

/**
 * The architecture of a model to train from scratch, in the Llama layout: what {@code longstream train}
 * asks for, turned into the {@link ModelConfig} that serving reads back from {@code config.json}.
 *
 * @param hiddenSize D
 * @param numHiddenLayers decoder layers
 * @param numAttentionHeads H
 * @param numKeyValueHeads Hkv (divides H)
 * @param intermediateSize F of the SwiGLU MLP
 * @param vocabSize V
 * @param context training context in tokens, written as {@code max_position_embeddings}
 * @param positionalEncoding registry name of the positional scheme ({@code rope}, …)
 * @param ropeTheta RoPE base (also written for schemes other than rope, where it is unused)
 * @param tieWordEmbeddings whether the LM head shares the embedding matrix
 */
public record ModelShape(
    int hiddenSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int intermediateSize,
    int vocabSize,
    int context,
    String positionalEncoding,
    double ropeTheta,
    boolean tieWordEmbeddings) {

  /** RMSNorm ε of the models we train (Llama 2's value). */
  public static final double RMS_NORM_EPS = 1e-5;

  public ModelShape {
    positive("hidden size", hiddenSize);
    positive("layers", numHiddenLayers);
    positive("heads", numAttentionHeads);
    positive("kv heads", numKeyValueHeads);
    positive("intermediate size", intermediateSize);
    positive("vocab size", vocabSize);
    positive("context", context);
    if (hiddenSize % numAttentionHeads != 0 || (hiddenSize / numAttentionHeads) % 2 != 0) {
      throw new IllegalArgumentException(
          "hidden size " + hiddenSize + " must be a multiple of heads " + numAttentionHeads + " with an even head dim");
    }
    if (numAttentionHeads % numKeyValueHeads != 0) {
      throw new IllegalArgumentException(
          "heads " + numAttentionHeads + " must be a multiple of kv heads " + numKeyValueHeads);
    }
    if (!(ropeTheta > 0)) {
      throw new IllegalArgumentException("rope theta must be > 0, got " + ropeTheta);
    }
  }

  /** The config serving will parse back from the written {@code config.json}. */
  public ModelConfig toConfig() {
    return new ModelConfig(
        ModelFamily.LLAMA,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        hiddenSize / numAttentionHeads,
        RMS_NORM_EPS,
        RopeParameters.unscaled(ropeTheta),
        1.0,
        RotaryLayout.HALF_SPLIT,
        positionalEncoding,
        context,
        tieWordEmbeddings,
        vocabSize,
        false,
        false,
        0,
        "float32");
  }

  /** The shape of an existing config (for resuming), checked to be one this trainer can train. */
  public static ModelShape of(ModelConfig config) {
    if (config.family() != ModelFamily.LLAMA || config.attentionBias() || config.mlpBias()
        || config.headDim() * config.numAttentionHeads() != config.hiddenSize()
        || !"default".equals(config.rope().type())) {
      throw new IllegalArgumentException(
          "only plain Llama-layout models (no biases, head dim = D / H, unscaled rope) can be trained");
    }
    return new ModelShape(
        config.hiddenSize(),
        config.numHiddenLayers(),
        config.numAttentionHeads(),
        config.numKeyValueHeads(),
        config.intermediateSize(),
        config.vocabSize(),
        config.maxPositionEmbeddings(),
        config.positionalEncoding(),
        config.rope().theta(),
        config.tieWordEmbeddings());
  }

  /** Parameters of the model, counting a tied embedding once. */
  public long parameterCount() {
    long d = hiddenSize;
    long dh = d / numAttentionHeads;
    long attention = d * dh * (numAttentionHeads + 2L * numKeyValueHeads) + dh * numAttentionHeads * d;
    long mlp = 3L * d * intermediateSize;
    long layer = attention + mlp + 2 * d;
    long embeddings = (long) vocabSize * d * (tieWordEmbeddings ? 1 : 2);
    return numHiddenLayers * layer + d + embeddings;
  }

  private static void positive(String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }
  }
}
