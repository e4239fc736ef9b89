package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * ALiBi, attention with linear biases (Press, Smith and Lewis 2022, "Train Short, Test Long", ICLR,
 * arXiv 2108.12409): no position embedding; each head h adds a fixed penalty proportional to the distance,
 *
 * <pre>
 *   logits_h(i, j) = q_i·k_j / √Dh − m_h · (i − j)       (j ≤ i)
 * </pre>
 *
 * with head slopes m_h that form a geometric sequence. For H a power of two, m_h = 2^(−8(h+1)/H), h = 0 …
 * H − 1. Otherwise, with c = 2^⌊log₂ H⌋, the slopes are those of c heads followed by every other slope of
 * 2c heads, the first H − c of them: exactly fairseq's {@code get_slopes}
 * (ofirpress/attention_with_linear_biases, fairseq/models/transformer.py) and transformers' BLOOM {@code
 * build_alibi_tensor}. Nothing is learned. BLOOM's +m_h·j form differs only by a per-row constant, which
 * softmax ignores; we add the paper's −m_h·(i − j).
 *
 * <p><b>In the sink cache:</b> the bias depends only on i − j. In rolling mode the positions are in-cache
 * indices, so the bias is the in-cache distance (as StreamingLLM does for MPT: "a contiguous bias instead
 * of a jumping one") and sinks sit at distance S + R + m − s from chunk token m; in absolute mode it is
 * the document distance, so old sinks are pushed out by an ever larger penalty.
 */
public final class AlibiEncoding implements PositionalEncoding {

  public static final String NAME = "alibi";

  private final double[] slopes;
  private final DataType dataType;

  /**
   * @param heads H (query heads), any count ≥ 1
   */
  public AlibiEncoding(int heads, DataType dataType) {
    this.slopes = slopes(heads);
    this.dataType = dataType;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** m_h for every head, in head order. */
  public double[] slopes() {
    return slopes.clone();
  }

  /** fairseq's {@code get_slopes(n)}: geometric for powers of two, interleaved from 2c otherwise. */
  public static double[] slopes(int heads) {
    if (heads < 1) {
      throw new IllegalArgumentException("ALiBi needs at least one head, got " + heads);
    }
    int c = Integer.highestOneBit(heads);
    double[] slopes = new double[heads];
    double[] base = powerOfTwoSlopes(c);
    System.arraycopy(base, 0, slopes, 0, c);
    if (c < heads) {
      double[] doubled = powerOfTwoSlopes(2 * c);
      for (int h = c; h < heads; h++) {
        slopes[h] = doubled[2 * (h - c)];
      }
    }
    return slopes;
  }

  /** start · ratio^h with start = ratio = 2^(−2^−(log₂ n − 3)) = 2^(−8/n), as fairseq computes it. */
  private static double[] powerOfTwoSlopes(int n) {
    double start = Math.pow(2, -Math.pow(2, -(log2(n) - 3)));
    double[] slopes = new double[n];
    for (int h = 0; h < n; h++) {
      slopes[h] = start * Math.pow(start, h);
    }
    return slopes;
  }

  private static double log2(int n) {
    return 31 - Integer.numberOfLeadingZeros(n); // n is a power of two
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    float[] negated = new float[slopes.length];
    for (int h = 0; h < slopes.length; h++) {
      negated[h] = (float) -slopes[h];
    }
    NDArray m = manager.create(negated, new Shape(slopes.length, 1, 1)); // −m_h [H, 1, 1]
    NDArray distances = RelativeDistances.of(manager, positions).toType(DataType.FLOAT32, false); // [T, K]
    NDArray bias = m.mul(distances).toType(dataType, false); // [H, T, K]
    return new PositionalStep() {
      @Override
      public NDArray attentionBias() {
        return bias;
      }
    };
  }
}
