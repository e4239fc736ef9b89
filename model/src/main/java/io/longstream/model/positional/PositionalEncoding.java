package io.longstream.model.positional;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * One positional scheme (RoPE and its scalings, ALiBi, T5 bias, sinusoidal or learned absolute
 * embeddings, NoPE, …). A scheme prepares, once per forward step and shared by every layer, a {@link
 * PositionalStep} that the attention code calls at fixed points; attention code never knows which scheme
 * runs. Implementations are registered by name in {@link PositionalEncodings}.
 *
 * <p>Schemes with learned tensors (learned absolute table, T5 bias table) get them from a {@link
 * ParameterSource} when created and expose them through {@link #namedParameters()}: a trainer adds {@link
 * #parameters()} to what it optimises, and a checkpoint writer saves {@link #namedParameters()} under their
 * Hugging Face-style names, which is where {@link ParameterSource#checkpoint} finds them again.
 */
public interface PositionalEncoding {

  /** Registry name, e.g. {@code rope}, {@code alibi}. */
  String name();

  /**
   * Prepares the step's tables (cos/sin, biases, …) on {@code manager}, which the caller closes after the
   * step.
   */
  PositionalStep prepare(NDManager manager, StepPositions positions);

  /**
   * The scheme's learned tensors by checkpoint name (e.g. {@code model.positional.learned.weight}), in a
   * fixed order; empty for schemes without any. The arrays are the live ones used by {@link #prepare}.
   */
  default Map<String, NDArray> namedParameters() {
    return Map.of();
  }

  /** The learned tensors of {@link #namedParameters()}, in the same order, for a trainer's parameter list. */
  default List<NDArray> parameters() {
    return List.copyOf(namedParameters().values());
  }
}
