package io.longstream.model.positional;

import ai.djl.ndarray.NDManager;

/**
 * One positional scheme (RoPE and its scalings, ALiBi, T5 bias, sinusoidal or learned absolute
 * embeddings, NoPE, …). A scheme prepares, once per forward step and shared by every layer, a {@link
 * PositionalStep} that the attention code calls at fixed points; attention code never knows which scheme
 * runs. Implementations are registered by name in {@link PositionalEncodings}.
 */
public interface PositionalEncoding {

  /** Registry name, e.g. {@code rope}, {@code alibi}. */
  String name();

  /**
   * Prepares the step's tables (cos/sin, biases, …) on {@code manager}, which the caller closes after the
   * step.
   */
  PositionalStep prepare(NDManager manager, StepPositions positions);
}
