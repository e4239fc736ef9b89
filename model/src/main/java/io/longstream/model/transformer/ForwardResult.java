package io.longstream.model.transformer;

import ai.djl.ndarray.NDArray;

/**
 * What one forward step returns, owned by the manager the caller passed in.
 *
 * @param logits next-token logits [B, T, V], or null when the caller asked for hidden states only
 * @param hidden final hidden states after the final norm [B, T, D]
 */
public record ForwardResult(NDArray logits, NDArray hidden) {}
