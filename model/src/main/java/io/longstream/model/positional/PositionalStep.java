package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;

/**
 * The positional information of one forward step, applied by the model at three points. Each method's
 * default leaves its input unchanged, so a scheme overrides only where it acts. Shapes: B batch, T queries,
 * K keys, D hidden, H heads, Hkv key/value heads, Dh head dim.
 */
public interface PositionalStep {

  /** Absolute schemes add to token embeddings: x [B, T, D] → [B, T, D]. */
  default NDArray embed(NDArray embeddings) {
    return embeddings;
  }

  /** Rotary schemes rotate queries: q [B, H, T, Dh] → [B, H, T, Dh]. */
  default NDArray queries(NDArray queries) {
    return queries;
  }

  /** Rotary schemes rotate keys: k [B, Hkv, K, Dh] → [B, Hkv, K, Dh]. */
  default NDArray keys(NDArray keys) {
    return keys;
  }

  /**
   * Additive bias on attention logits, broadcastable to [B, H, T, K] (e.g. [H, T, K]), or {@code null} when
   * the scheme adds none.
   */
  default NDArray attentionBias() {
    return null;
  }
}
