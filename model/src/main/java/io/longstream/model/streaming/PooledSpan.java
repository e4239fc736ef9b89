package io.longstream.model.streaming;

/**
 * A caller's span with the L2-normalised mean of its tokens' final hidden states (spans crossing window
 * boundaries pool over every window they touch).
 */
public record PooledSpan(TokenSpan span, float[] embedding) {}
