package io.longstream.model.config;

import io.longstream.model.positional.rope.RopeParameters;

/**
 * The validated architecture of a decoder-only checkpoint, parsed once from {@code config.json} by
 * {@link ModelConfigParser}. Dimension names used in shape comments across the project: B batch, T query
 * tokens of a step, K attended keys, D {@code hiddenSize}, H {@code numAttentionHeads}, Hkv {@code
 * numKeyValueHeads}, Dh {@code headDim}, F {@code intermediateSize}, V {@code vocabSize}.
 *
 * @param family the architecture family, which decides tensor names and biases
 * @param hiddenSize D
 * @param intermediateSize F
 * @param numHiddenLayers number of decoder layers
 * @param numAttentionHeads H
 * @param numKeyValueHeads Hkv (H for multi-head attention, fewer for grouped-query attention)
 * @param headDim Dh (may differ from D / H)
 * @param rmsNormEps ε of every RMSNorm
 * @param rope RoPE base and scaling (used when {@code positionalEncoding} is {@code rope})
 * @param partialRotaryFactor fraction of Dh that is rotated
 * @param rotaryLayout which channels form a rotation pair
 * @param positionalEncoding the positional scheme's registry name ({@code rope} for every HF family;
 *     {@code nope}, {@code sinusoidal}, {@code learned}, {@code t5} or {@code alibi} for models trained here)
 * @param maxPositionEmbeddings the context the checkpoint declares
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param vocabSize V
 * @param attentionBias whether q/k/v projections carry a bias (Qwen2)
 * @param mlpBias whether the MLP projections carry a bias
 * @param slidingWindow attention window in tokens, or 0 when attention is fully causal
 * @param torchDtype the dtype declared by the checkpoint ({@code float32}, {@code bfloat16}, …)
 */
public record ModelConfig(
    ModelFamily family,
    int hiddenSize,
    int intermediateSize,
    int numHiddenLayers,
    int numAttentionHeads,
    int numKeyValueHeads,
    int headDim,
    double rmsNormEps,
    RopeParameters rope,
    double partialRotaryFactor,
    RotaryLayout rotaryLayout,
    String positionalEncoding,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    int vocabSize,
    boolean attentionBias,
    boolean mlpBias,
    int slidingWindow,
    String torchDtype) {

  /** Number of rotated channels per head: int(Dh × partial_rotary_factor), as transformers computes it. */
  public int rotaryDim() {
    return (int) (headDim * partialRotaryFactor);
  }

  /** The same config with other RoPE parameters (e.g. a scaling tried at inference time). */
  public ModelConfig withRope(RopeParameters newRope) {
    return new ModelConfig(
        family,
        hiddenSize,
        intermediateSize,
        numHiddenLayers,
        numAttentionHeads,
        numKeyValueHeads,
        headDim,
        rmsNormEps,
        newRope,
        partialRotaryFactor,
        rotaryLayout,
        positionalEncoding,
        maxPositionEmbeddings,
        tieWordEmbeddings,
        vocabSize,
        attentionBias,
        mlpBias,
        slidingWindow,
        torchDtype);
  }

  /** Query heads per key/value head. */
  public int queryGroups() {
    return numAttentionHeads / numKeyValueHeads;
  }

  /**
   * The context the model was trained on: {@code original_max_position_embeddings} under RoPE scaling,
   * else {@code max_position_embeddings}.
   */
  public int trainedContext() {
    Integer original = rope.originalMaxPositionEmbeddings();
    return original != null ? original : maxPositionEmbeddings;
  }
}
