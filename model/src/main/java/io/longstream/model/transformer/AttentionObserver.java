package io.longstream.model.transformer;

import ai.djl.ndarray.NDArray;

/**
 * Sees each layer's attention probabilities during a forward step, for diagnostics. Materialising the
 * probabilities costs time, so the model only calls an observer that is present.
 */
@FunctionalInterface
public interface AttentionObserver {

  /** {@code probabilities} [B, H, T, K], valid only during the call. */
  void onAttention(int layer, NDArray probabilities);
}
