package io.longstream.model.evaluation;

import io.longstream.model.engine.LanguageModel;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.streaming.WindowResult;
import java.util.Arrays;

/**
 * Perplexity of one model on one token sequence at a given evaluation length L, the "train short, test
 * long" measurement of Press et al. (ALiBi, §4: non-overlapping evaluation windows, every token scored).
 *
 * <p>The text's first E tokens (E = the evaluation budget, by default the largest length asked) are cut
 * into ⌊E/L⌋ non-overlapping windows of L tokens; each window is evaluated from an empty cache and every
 * one of its L − 1 predictions is scored; perplexity = exp(Σ nll / Σ predictions) over all windows. With
 * E a multiple of every L, every length scores the same text.
 *
 * <ul>
 *   <li><b>absolute</b>: each window is one causal forward at positions 0 … L − 1, so positions reach
 *       L − 1 and go past the trained context when L is larger. It runs chunk-wise through the sink cache
 *       with W = L (nothing is evicted), which the streaming spec's invariant makes equal to a full
 *       forward while keeping memory at O(C·L) instead of O(L²).
 *   <li><b>rolling</b>: each window is streamed through the StreamingLLM sink cache with S sinks, chunk C
 *       and W = trained context − S − C, so S + W + C equals the trained context: positions are in-cache
 *       indices and never exceed trained context − 1, and each token sees between S + W + 1 and S + W + C
 *       tokens. For L ≤ trained context nothing is evicted and rolling equals absolute.
 * </ul>
 */
public final class PerplexityEvaluator {

  /** Tokens per step in absolute mode; it changes the speed, not the numbers. */
  static final int ABSOLUTE_CHUNK = 256;

  private final LanguageModel lm;
  private final String label;
  private final String ropeScaling;
  private final long[] tokens;
  private final long budget;

  /**
   * @param tokens the evaluation text tokenized by this model's tokenizer
   * @param budget E, tokens of the text to use at most
   */
  public PerplexityEvaluator(LanguageModel lm, String label, String ropeScaling, long[] tokens, long budget) {
    this.lm = lm;
    this.label = label;
    this.ropeScaling = ropeScaling;
    this.tokens = tokens;
    this.budget = budget;
  }

  /** Default chunk for rolling mode: an eighth of the trained context, so W stays most of it. */
  public static int defaultChunk(int trainedContext) {
    return Math.max(1, trainedContext / 8);
  }

  public PerplexityPoint absolute(int length) {
    StreamingSettings settings =
        new StreamingSettings(0, length, Math.min(ABSOLUTE_CHUNK, length), PositionMode.ABSOLUTE, 0);
    return evaluate(length, settings, null);
  }

  public PerplexityPoint rolling(int length, int sinks, int chunk) {
    int trained = lm.config().trainedContext();
    int window = trained - sinks - chunk;
    if (window < 1) {
      throw new IllegalArgumentException(
          "rolling needs S + C < trained context: S=" + sinks + ", C=" + chunk + ", trained context " + trained);
    }
    return evaluate(length, new StreamingSettings(sinks, window, chunk, PositionMode.ROLLING, 0), sinks);
  }

  private PerplexityPoint evaluate(int length, StreamingSettings settings, Integer sinks) {
    long began = System.nanoTime();
    int windows = (int) (Math.min(budget, tokens.length) / length);
    double sum = 0;
    long scored = 0;
    long maxPosition = -1;
    for (int w = 0; w < windows; w++) {
      long[] slice = Arrays.copyOfRange(tokens, w * length, (w + 1) * length);
      try (DocumentStream stream = new StreamingEngine(lm).open(settings)) {
        var results = new java.util.ArrayList<>(stream.feed(slice));
        results.addAll(stream.finish());
        for (WindowResult r : results) {
          for (float x : r.nll()) {
            sum += x;
          }
          scored += r.nll().length;
          maxPosition = Math.max(maxPosition, r.diagnostics().maxPosition());
        }
      }
    }
    String status = windows == 0 ? PerplexityPoint.TEXT_TOO_SHORT : PerplexityPoint.OK;
    return new PerplexityPoint(
        label,
        lm.config().positionalEncoding(),
        ropeScaling,
        settings.mode().label(),
        sinks,
        settings.window(),
        settings.chunk(),
        length,
        lm.config().trainedContext(),
        windows,
        scored,
        scored == 0 ? Double.NaN : sum / scored,
        maxPosition,
        status,
        (System.nanoTime() - began) / 1e9);
  }
}
