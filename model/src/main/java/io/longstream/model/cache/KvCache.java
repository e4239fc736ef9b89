package io.longstream.model.cache;

import ai.djl.ndarray.NDManager;

/**
 * Keys and values of earlier tokens, owned by the caller of {@link
 * io.longstream.model.transformer.DecoderModel#forward}. A forward step asks the cache for a {@link
 * CacheStep}, hands it each layer's new keys (before rotation) and values, and attends to what it
 * returns. Beginning a step applies the cache's eviction rule to its bookkeeping, so the next step can
 * begin before this one's last layers have run (the streaming engine's layer pipeline). The cache alone
 * decides which entries stay, where they sit and at which positions the positional scheme sees them;
 * that is how the streaming engine implements attention sinks.
 */
public interface KvCache extends AutoCloseable {

  /**
   * Begins a step of {@code queryPositions.length} new tokens at the given positions; the step's tokens
   * count as held (and older ones as evicted) from now on.
   *
   * @param stepManager owns the step's temporary arrays (mask, position tables)
   */
  CacheStep begin(NDManager stepManager, long[] queryPositions);

  /** Frees the cache's device memory. */
  @Override
  void close();
}
