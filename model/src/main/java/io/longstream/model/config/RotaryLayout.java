package io.longstream.model.config;

/**
 * Which channels of a head form the (x, y) pairs that RoPE rotates. Both compute x·cos + rot(x)·sin, but
 * pair different channels, so a checkpoint only matches the layout it was trained with.
 */
public enum RotaryLayout {
  /** Pairs (xⱼ, x_{j+d/2}): HF {@code rotate_half}, used by Llama, Mistral and Qwen2 checkpoints. */
  HALF_SPLIT,
  /** Pairs (x_{2j}, x_{2j+1}): RoFormer, GPT-J {@code rotate_every_two}, Meta's complex Llama. */
  INTERLEAVED
}
