package io.longstream.model.streaming;

/**
 * Extrapolation diagnostics of one window; formulas in docs/diagnostics.md.
 *
 * @param meanNll mean negative log-likelihood (nats) of the window's predictions
 * @param perplexity exp(meanNll)
 * @param sinkMassPerLayer attention mass on sink tokens per layer, or null when not sampled
 * @param sinkMass mean of {@code sinkMassPerLayer}, or NaN when not sampled
 * @param entropyPerLayer attention entropy (nats) per layer, or null when not sampled
 * @param entropy mean of {@code entropyPerLayer}, or NaN when not sampled
 * @param maxPosition largest position id the window used
 * @param trainedContext the model's trained context
 * @param longWavelengthDims RoPE pairs whose wavelength exceeds the trained context (0 without RoPE)
 * @param dimsPastTrainedAngles of those, pairs shown an angle larger than in training
 * @param effectiveRopeScale slow-down of the lowest RoPE frequency versus training (1 = none)
 * @param cacheSinks sinks held after the window
 * @param cacheRecent recent tokens held after the window
 * @param cacheBytes device bytes held by the cache
 * @param latencyMillis wall time of the window's forward step
 * @param tokensPerSecond window tokens / latency
 */
public record WindowDiagnostics(
    double meanNll,
    double perplexity,
    double[] sinkMassPerLayer,
    double sinkMass,
    double[] entropyPerLayer,
    double entropy,
    long maxPosition,
    long trainedContext,
    int longWavelengthDims,
    int dimsPastTrainedAngles,
    double effectiveRopeScale,
    int cacheSinks,
    int cacheRecent,
    long cacheBytes,
    double latencyMillis,
    double tokensPerSecond) {

  public boolean sampled() {
    return sinkMassPerLayer != null;
  }
}
