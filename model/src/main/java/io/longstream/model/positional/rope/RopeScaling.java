package io.longstream.model.positional.rope;

/**
 * One RoPE frequency rule (default, linear, dynamic, ntk, yarn, llama3, longrope, truncated). Each
 * implementation is one class registered by name in {@link RopeScalings}.
 */
public interface RopeScaling {

  /** The registry name, e.g. {@code "yarn"}. */
  String type();

  /**
   * Frequencies for a step whose largest position id is {@code sequenceLength - 1}. Only sequence
   * dependent types (dynamic, longrope) look at the argument.
   */
  RopeFrequencies frequencies(long sequenceLength);

  /** True when {@link #frequencies} depends on the sequence length. */
  default boolean dependsOnSequenceLength() {
    return false;
  }
}
