package io.longstream.model.positional;

/**
 * Positions of one forward step: one per query token (T) and one per attended key slot (K), in the
 * coordinates the positional scheme sees (document positions in {@code absolute} mode, in-cache indices in
 * {@code rolling} mode). {@code scalingLength} is the sequence length that sequence-dependent RoPE scaling
 * (dynamic NTK, LongRoPE) uses for this step: largest position id + 1.
 */
public record StepPositions(long[] queryPositions, long[] keyPositions, long scalingLength) {

  /** Positions where queries and keys are the same tokens (a full forward without cache). */
  public static StepPositions selfAttention(long[] positions) {
    long max = -1;
    for (long p : positions) {
      max = Math.max(max, p);
    }
    return new StepPositions(positions, positions, max + 1);
  }
}
