package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * T5 relative position bias (Raffel et al. 2020, "Exploring the Limits of Transfer Learning with a Unified
 * Text-to-Text Transformer", §2.1): a learned scalar per (bucket, head) added to the attention logits,
 * with logarithmically wider buckets for larger distances. Causal (decoder) bucketing, as transformers'
 * {@code T5Attention._relative_position_bucket(rp, bidirectional=False, num_buckets=32, max_distance=128)}:
 *
 * <pre>
 *   n = max(i − j, 0)                          (i query position, j key position)
 *   bucket(n) = n                               if n &lt; 16
 *             = min(16 + ⌊ln(n/16) / ln(128/16) · 16⌋, 31)   otherwise
 *   b_h(i, j) = table[bucket(n), h]             table [32, H]
 * </pre>
 *
 * The bucket arithmetic runs on the device in float32 in the same order as transformers, so buckets match
 * it exactly. As in T5 the table is computed once per step and shared by every layer. It is saved as
 * {@value #TENSOR} (transformers' layer-0 {@code relative_attention_bias} is an {@code nn.Embedding(32,
 * H)}), initialised N(0, 1/D) for a new model (transformers' T5 {@code _init_weights}: std = d_model^−0.5).
 *
 * <p><b>Scale:</b> T5 itself does not divide q·k by √Dh (it folds that into its initialisation). Our
 * decoder keeps its 1/√Dh scaling and only adds the bias: logits = q·k/√Dh + b_h(i, j). A model trained
 * with this scheme learns its table for that convention; T5 checkpoints are not loaded.
 *
 * <p><b>In the sink cache:</b> the bias depends only on i − j, so in rolling mode it is the in-cache
 * distance and never exceeds S + W + C − 1; every distance ≥ 128 shares bucket 31 anyway.
 */
public final class T5RelativeBias implements PositionalEncoding {

  public static final String NAME = "t5";

  /** Checkpoint name of the table [buckets, H]. */
  public static final String TENSOR = "model.positional.t5.relative_attention_bias.weight";

  public static final int NUM_BUCKETS = 32;
  public static final int MAX_DISTANCE = 128;

  private final NDArray table;
  private final int numBuckets;
  private final int maxDistance;
  private final DataType dataType;

  /**
   * @param heads H (query heads)
   * @param hiddenSize D, for the initialisation's standard deviation
   */
  public T5RelativeBias(int heads, int hiddenSize, DataType dataType, ParameterSource source) {
    this(heads, NUM_BUCKETS, MAX_DISTANCE, 1.0 / Math.sqrt(hiddenSize), dataType, source);
  }

  T5RelativeBias(int heads, int numBuckets, int maxDistance, double initStd, DataType dataType, ParameterSource source) {
    if (numBuckets < 2 || maxDistance <= numBuckets / 2) {
      throw new IllegalArgumentException(
          "T5 buckets need num_buckets ≥ 2 and max_distance > num_buckets / 2, got " + numBuckets + ", " + maxDistance);
    }
    this.numBuckets = numBuckets;
    this.maxDistance = maxDistance;
    this.dataType = dataType;
    this.table = source.tensor(TENSOR, new Shape(numBuckets, heads), initStd);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, NDArray> namedParameters() {
    Map<String, NDArray> named = new LinkedHashMap<>();
    named.put(TENSOR, table);
    return named;
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    NDArray buckets = buckets(RelativeDistances.of(manager, positions)); // [T, K]
    NDArray bias = Embedding.embedding(buckets, table, SparseFormat.DENSE).head().transpose(2, 0, 1); // [H, T, K]
    NDArray typed = bias.getDataType() == dataType ? bias : bias.toType(dataType, false);
    return new PositionalStep() {
      @Override
      public NDArray attentionBias() {
        return typed;
      }
    };
  }

  /** Causal buckets of distances i − j (int64 [T, K] → int64 [T, K]), as transformers computes them. */
  NDArray buckets(NDArray distances) {
    int maxExact = numBuckets / 2;
    NDArray n = distances.maximum(0L); // later keys (masked anyway) fall in bucket 0
    NDArray isSmall = n.lt((long) maxExact);
    // The large branch is computed for every entry, as in transformers; max(n, 1) only avoids log(0).
    NDArray large = n.maximum(1L)
        .toType(DataType.FLOAT32, false)
        .div((float) maxExact)
        .log()
        .div((float) Math.log((double) maxDistance / maxExact))
        .mul((float) (numBuckets - maxExact))
        .toType(DataType.INT64, false)
        .add((long) maxExact)
        .minimum((long) numBuckets - 1);
    return ai.djl.ndarray.NDArrays.where(isSmall, n, large);
  }

  /** The same buckets in double precision on the heap: the formula, for tests and documentation. */
  static int bucket(long distance, int numBuckets, int maxDistance) {
    long n = Math.max(distance, 0);
    int maxExact = numBuckets / 2;
    if (n < maxExact) {
      return (int) n;
    }
    int large = maxExact + (int) (Math.log((double) n / maxExact) / Math.log((double) maxDistance / maxExact) * (numBuckets - maxExact));
    return Math.min(large, numBuckets - 1);
  }
}
