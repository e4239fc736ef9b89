package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Query-minus-key distances i − j of one step, the input of every additive-bias scheme. Computed on the
 * device from the step's positions, in int64, so they are exact whatever the document length. In rolling
 * mode the positions are in-cache indices, so these are in-cache distances (StreamingLLM: "ALiBi gets a
 * contiguous bias"); in absolute mode they are document distances.
 */
final class RelativeDistances {

  private RelativeDistances() {}

  /** i − j [T, K] as int64; positive for keys before the query, negative for (masked) later ones. */
  static NDArray of(NDManager manager, StepPositions positions) {
    long[] queries = positions.queryPositions();
    long[] keys = positions.keyPositions();
    NDArray q = manager.create(queries, new Shape(queries.length, 1));
    NDArray k = manager.create(keys, new Shape(1, keys.length));
    return q.sub(k);
  }
}
