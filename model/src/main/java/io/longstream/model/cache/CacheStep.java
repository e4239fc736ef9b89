package io.longstream.model.cache;

import ai.djl.ndarray.NDArray;
import io.longstream.model.positional.StepPositions;

/**
 * One forward step against a {@link KvCache}. The cache's bookkeeping (which entries stay) has already
 * moved on when the step is begun; layer l's {@link #append} must run after layer l of the previous step.
 * Shapes: B batch, Hkv key/value heads, T new tokens, K attended entries (cached + new), Dh head dim.
 */
public interface CacheStep {

  /** Query positions (T) and the positions of the K attended entries, in attention order. */
  StepPositions positions();

  /** Additive mask [T, K]: 0 where query t may attend entry k, −∞ elsewhere. */
  NDArray mask();

  /**
   * Stores layer {@code layer}'s new keys k [B, Hkv, T, Dh] (before rotation) and values, and returns the K
   * entries to attend, keys still unrotated.
   */
  KeyValues append(int layer, NDArray keys, NDArray values);

  /** Keys [B, Hkv, K, Dh] and values [B, Hkv, K, Dh]. */
  record KeyValues(NDArray keys, NDArray values) {}
}
