package io.longstream.model.streaming;

import java.util.List;

/**
 * The outputs of one window (= one chunk) of a document.
 *
 * @param index window index k (0-based)
 * @param tokenStart first document token of the chunk
 * @param tokenEnd one past the last token of the chunk
 * @param embedding L2-normalised mean of the chunk's final hidden states [D]
 * @param nll −log p(t[i+1] | …) for each token i of the chunk that has a successor (the last token's
 *     successor is the next chunk's first token)
 * @param spans pooled embeddings of the caller's spans that ended in this window
 * @param diagnostics the window's diagnostics
 */
public record WindowResult(
    long index,
    long tokenStart,
    long tokenEnd,
    float[] embedding,
    float[] nll,
    List<PooledSpan> spans,
    WindowDiagnostics diagnostics) {}
