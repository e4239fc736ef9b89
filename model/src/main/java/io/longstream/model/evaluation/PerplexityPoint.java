package io.longstream.model.evaluation;

/**
 * One evaluation: a model at one length in one positions mode.
 *
 * @param model label of the model (its directory name)
 * @param scheme positional scheme of the model
 * @param ropeScaling the {@code TYPE:FACTOR} override applied at inference, or empty
 * @param mode {@code absolute} or {@code rolling}
 * @param sinks S in rolling mode, or null in absolute mode
 * @param window W of the cache (absolute: L, nothing is evicted)
 * @param chunk C, tokens per forward step
 * @param length L, tokens per evaluation window
 * @param trainedContext the model's trained context
 * @param windows non-overlapping windows of L tokens evaluated
 * @param tokensScored predictions scored: windows × (L − 1)
 * @param meanNll mean −log p over the scored predictions (NaN when nothing was scored)
 * @param maxPosition largest position id the model saw
 * @param status {@code ok}, or {@code text-shorter-than-length}
 * @param seconds wall time of this evaluation
 */
public record PerplexityPoint(
    String model,
    String scheme,
    String ropeScaling,
    String mode,
    Integer sinks,
    int window,
    int chunk,
    int length,
    int trainedContext,
    int windows,
    long tokensScored,
    double meanNll,
    long maxPosition,
    String status,
    double seconds) {

  public static final String OK = "ok";
  public static final String TEXT_TOO_SHORT = "text-shorter-than-length";

  /** exp(mean nll), or NaN when nothing was scored. */
  public double perplexity() {
    return Math.exp(meanNll);
  }

  public boolean ok() {
    return OK.equals(status);
  }

  /** The chart line and table row this point belongs to: model × mode (× sinks). */
  public String series() {
    String base = model + (ropeScaling.isEmpty() ? "" : " [" + ropeScaling + "]") + " · " + mode;
    return sinks == null ? base : base + " · S=" + sinks;
  }
}
