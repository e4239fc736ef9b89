package io.longstream.model.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Builds additive attention masks from the document order of queries and entries. The [T, K] mask is
 * computed by libtorch from the T + K orders: only those cross the JNI boundary, not a host-built T × K
 * array, whose direct buffer the JVM would free only at its next garbage collection (a streaming step
 * made megabytes of such garbage, and resident memory grew with the document until the heap was collected).
 */
public final class AttentionMasks {

  private AttentionMasks() {}

  /**
   * Mask [T, K]: query t sees entry k when {@code 0 <= entryOrder[k] <= queryOrder[t]} (a negative order
   * marks an empty entry) and, with a sliding window w > 0, when {@code queryOrder[t] - entryOrder[k] < w}
   * (as transformers' sliding-window mask) or k is one of the first {@code windowExempt} entries (the
   * attention sinks, which no window hides).
   */
  public static NDArray causal(
      NDManager manager, long[] queryOrder, long[] entryOrder, int slidingWindow, int windowExempt, DataType dataType) {
    NDArray queries = manager.create(queryOrder, new Shape(queryOrder.length, 1));
    NDArray entries = manager.create(entryOrder, new Shape(1, entryOrder.length));
    NDArray distance = queries.sub(entries); // [T, K]
    NDArray visible = distance.gte(0).logicalAnd(entries.gte(0));
    if (slidingWindow > 0) {
      NDArray inWindow = distance.lt(slidingWindow);
      if (windowExempt > 0) {
        boolean[] exempt = new boolean[entryOrder.length];
        Arrays.fill(exempt, 0, Math.min(windowExempt, exempt.length), true);
        inWindow = inWindow.logicalOr(manager.create(exempt, new Shape(1, entryOrder.length)));
      }
      visible = visible.logicalAnd(inWindow);
    }
    Shape shape = visible.getShape(); // DJL's where does not broadcast
    return NDArrays.where(visible, manager.zeros(shape, dataType), manager.full(shape, Float.NEGATIVE_INFINITY, dataType));
  }
}
