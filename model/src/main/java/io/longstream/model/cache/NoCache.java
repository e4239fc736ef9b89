package io.longstream.model.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.positional.StepPositions;

/**
 * A full causal forward over one sequence with nothing kept afterwards: every token attends to itself and
 * the tokens before it (within the sliding window, if any). Used for training and one-shot forwards;
 * stores nothing, so autograd sees plain tensors.
 */
public final class NoCache implements KvCache {

  private final int slidingWindow;
  private final DataType dataType;

  public NoCache(int slidingWindow, DataType dataType) {
    this.slidingWindow = slidingWindow;
    this.dataType = dataType;
  }

  @Override
  public CacheStep begin(NDManager stepManager, long[] queryPositions) {
    long[] order = new long[queryPositions.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    NDArray mask = AttentionMasks.causal(stepManager, order, order, slidingWindow, 0, dataType);
    StepPositions positions = StepPositions.selfAttention(queryPositions);
    return new CacheStep() {
      @Override
      public StepPositions positions() {
        return positions;
      }

      @Override
      public NDArray mask() {
        return mask;
      }

      @Override
      public KeyValues append(int layer, NDArray keys, NDArray values) {
        return new KeyValues(keys, values);
      }
    };
  }

  @Override
  public void close() {}
}
