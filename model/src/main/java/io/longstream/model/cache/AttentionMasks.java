package io.longstream.model.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Builds additive attention masks from the document order of queries and entries. */
public final class AttentionMasks {

  private AttentionMasks() {}

  /**
   * Mask [T, K]: query t sees entry k when {@code entryOrder[k] <= queryOrder[t]} and, with a sliding
   * window w > 0, when {@code queryOrder[t] - entryOrder[k] < w} (as transformers' sliding-window mask).
   */
  public static NDArray causal(
      NDManager manager, long[] queryOrder, long[] entryOrder, int slidingWindow, DataType dataType) {
    float[] mask = new float[queryOrder.length * entryOrder.length];
    for (int t = 0; t < queryOrder.length; t++) {
      int row = t * entryOrder.length;
      for (int k = 0; k < entryOrder.length; k++) {
        long distance = queryOrder[t] - entryOrder[k];
        boolean visible = distance >= 0 && (slidingWindow <= 0 || distance < slidingWindow);
        mask[row + k] = visible ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return manager.create(mask, new Shape(queryOrder.length, entryOrder.length)).toType(dataType, false);
  }
}
