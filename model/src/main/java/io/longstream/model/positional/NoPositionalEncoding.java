package io.longstream.model.positional;

import ai.djl.ndarray.NDManager;

/**
 * NoPE: no positional information at all. Causal attention alone lets a decoder infer position (the causal
 * mask makes the number of attended tokens visible), as shown by Haviv et al. 2022, "Transformer Language
 * Models without Positional Encodings Still Learn Positional Information" (arXiv 2203.16634), and studied
 * for length generalisation by Kazemnejad et al. 2023 (arXiv 2305.19466). Every hook of the step is the
 * identity, so in the sink cache NoPE behaves the same in rolling and absolute mode.
 */
public final class NoPositionalEncoding implements PositionalEncoding {

  public static final String NAME = "nope";

  private static final PositionalStep IDENTITY = new PositionalStep() {};

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PositionalStep prepare(NDManager manager, StepPositions positions) {
    return IDENTITY;
  }
}
