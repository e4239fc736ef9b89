package io.longstream.model.diagnostics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.longstream.model.transformer.AttentionObserver;

/**
 * Collects, per layer, the two attention diagnostics of a window from the probabilities p [1, H, T, K]:
 * sink mass = mean over heads h and queries t of Σ_{k < s} p[h, t, k] (s = sinks held, which occupy the
 * first s key slots), and entropy = mean over h, t of −Σ_k p log p (nats).
 */
public final class AttentionStatistics implements AttentionObserver {

  private final int sinkSlots;
  private final double[] sinkMass;
  private final double[] entropy;

  public AttentionStatistics(int layers, int sinkSlots) {
    this.sinkSlots = sinkSlots;
    this.sinkMass = new double[layers];
    this.entropy = new double[layers];
  }

  @Override
  public void onAttention(int layer, NDArray probabilities) {
    NDArray p = probabilities.toType(DataType.FLOAT32, false);
    sinkMass[layer] =
        sinkSlots == 0 ? 0.0 : p.get(new NDIndex("..., :{}", sinkSlots)).sum(new int[] {-1}).mean().getFloat();
    // p·log p is 0 at p = 0; the clamp only keeps log finite there.
    entropy[layer] = -p.mul(p.maximum(1e-30f).log()).sum(new int[] {-1}).mean().getFloat();
  }

  public double[] sinkMassPerLayer() {
    return sinkMass.clone();
  }

  public double[] entropyPerLayer() {
    return entropy.clone();
  }

  public static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return values.length == 0 ? 0 : sum / values.length;
  }
}
