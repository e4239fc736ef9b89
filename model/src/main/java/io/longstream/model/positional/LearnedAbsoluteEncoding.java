package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Learned absolute position embedding: a trainable table E [Lmax, D] whose row p is added to the
 * embedding of a token at position p (GPT/GPT-2, transformers {@code GPT2Model.wpe = nn.Embedding(n_positions,
 * D)}; Radford et al. 2018/2019). Lmax is the config's {@code max_position_embeddings}. The table is saved
 * as {@value #TENSOR} and initialised N(0, 0.02²) for a new model (GPT-2's {@code initializer_range}).
 *
 * <p><b>Positions ≥ Lmax are clamped to Lmax − 1</b>, on purpose and documented: there is no row to look
 * up, and an error would make "train short, test long" unmeasurable for this scheme. Every position past
 * the table then reuses the last trained row, which is what extrapolation studies report as this scheme's
 * failure (no extrapolation past Lmax; see e.g. Press et al. 2022, Kazemnejad et al. 2023). GPT-2 in
 * transformers raises an index error instead. {@link #clamped(long)} tells callers whether a position was
 * clamped.
 *
 * <p><b>In the sink cache:</b> as with {@link SinusoidalEncoding}, a token gets its row once, on entry;
 * rolling mode keeps entry positions below S + W + C, so a model streamed with S + W + C ≤ Lmax never
 * clamps, while absolute mode clamps from document position Lmax on.
 */
public final class LearnedAbsoluteEncoding implements PositionalEncoding {

  public static final String NAME = "learned";

  /** Checkpoint name of E [Lmax, D]. */
  public static final String TENSOR = "model.positional.learned.weight";

  /** Standard deviation of a fresh table (GPT-2's initializer_range). */
  public static final double INIT_STD = 0.02;

  private final NDArray table;
  private final int maxPositions;

  /**
   * @param maxPositions Lmax, rows of the table
   * @param hiddenSize D
   */
  public LearnedAbsoluteEncoding(int maxPositions, int hiddenSize, ParameterSource source) {
    this.maxPositions = maxPositions;
    this.table = source.tensor(TENSOR, new Shape(maxPositions, hiddenSize), INIT_STD);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Lmax. */
  public int maxPositions() {
    return maxPositions;
  }

  /** Whether position p is past the table and reuses its last row. */
  public boolean clamped(long p) {
    return p >= maxPositions;
  }

  @Override
  public Map<String, NDArray> namedParameters() {
    Map<String, NDArray> named = new LinkedHashMap<>();
    named.put(TENSOR, table);
    return named;
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    long[] queries = positions.queryPositions();
    long[] rows = new long[queries.length];
    for (int t = 0; t < rows.length; t++) {
      rows[t] = Math.min(queries[t], maxPositions - 1L);
    }
    NDArray ids = manager.create(rows);
    // Embedding lookup keeps the autograd graph to the table (a gather, as torch.embedding).
    NDArray added = Embedding.embedding(ids, table, SparseFormat.DENSE).head(); // [T, D]
    return new PositionalStep() {
      @Override
      public NDArray embed(NDArray embeddings) {
        return embeddings.add(added);
      }
    };
  }
}
