package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Sinusoidal absolute position embedding (Vaswani et al. 2017, "Attention Is All You Need", §3.5), added
 * to the token embeddings before the first layer:
 *
 * <pre>
 *   PE(p, 2i)   = sin(p / 10000^(2i/D))
 *   PE(p, 2i+1) = cos(p / 10000^(2i/D))      i = 0 … D/2 − 1
 * </pre>
 *
 * <p><b>Layout:</b> interleaved, as the paper writes it and as transformers' XLM {@code
 * create_sinusoidal_embeddings} lays it out (sin on even channels, cos on odd ones); Marian and
 * tensor2tensor use [sin | cos] halves instead, which is the same information in another channel order
 * (not interchangeable with a trained checkpoint). Angles are computed in double precision from the step's
 * positions only, so there is no position-sized table and positions may reach 10⁶.
 *
 * <p>The token embeddings are <em>not</em> multiplied by √D before the addition (the paper does; its
 * embeddings are tied to a differently initialised table). A model trained with this scheme learns its
 * embedding scale with the sum as it is.
 *
 * <p><b>In the sink cache:</b> the embedding is added once, when a token enters the model, at the
 * position it has then; keys cached afterwards carry it forever. In absolute mode that is the document
 * position. In rolling mode it is the in-cache position at entry (S + R + m), which is never re-assigned
 * later: after evictions, cached tokens keep the positions they entered with. Only the positions of new
 * tokens stay bounded by S + W + C − 1.
 */
public final class SinusoidalEncoding implements PositionalEncoding {

  public static final String NAME = "sinusoidal";

  private final int hiddenSize;
  private final DataType dataType;
  private final double[] frequencies;

  /**
   * @param hiddenSize D, even
   */
  public SinusoidalEncoding(int hiddenSize, DataType dataType) {
    if (hiddenSize < 2 || hiddenSize % 2 != 0) {
      throw new IllegalArgumentException("sinusoidal positions need an even hidden size, got " + hiddenSize);
    }
    this.hiddenSize = hiddenSize;
    this.dataType = dataType;
    this.frequencies = new double[hiddenSize / 2];
    for (int i = 0; i < frequencies.length; i++) {
      frequencies[i] = 1.0 / Math.pow(10000.0, 2.0 * i / hiddenSize);
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** PE [T, D] for the given positions, in float32 on the heap (the formula, for tests and tables). */
  public float[] table(long[] positions) {
    float[] table = new float[positions.length * hiddenSize];
    for (int t = 0; t < positions.length; t++) {
      int row = t * hiddenSize;
      for (int i = 0; i < frequencies.length; i++) {
        double angle = positions[t] * frequencies[i];
        table[row + 2 * i] = (float) Math.sin(angle);
        table[row + 2 * i + 1] = (float) Math.cos(angle);
      }
    }
    return table;
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    long[] queries = positions.queryPositions();
    NDArray table = manager.create(table(queries), new Shape(queries.length, hiddenSize)).toType(dataType, false);
    return new PositionalStep() {
      @Override
      public NDArray embed(NDArray embeddings) {
        return embeddings.add(table); // [B, T, D] + [T, D]
      }
    };
  }
}
