package io.longstream.model.positional.rope;

/**
 * What one RoPE scaling type yields for one forward step: the rotation frequencies θⱼ (one per rotary
 * pair, {@code rotaryDim / 2} values) and the attention factor that multiplies cos and sin, exactly as
 * {@code transformers.modeling_rope_utils} returns {@code (inv_freq, attention_factor)}.
 */
public record RopeFrequencies(double[] inverseFrequencies, double attentionFactor) {}
