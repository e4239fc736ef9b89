package io.longstream.model.streaming;

/**
 * The knobs of one streaming run.
 *
 * @param sinks S: first tokens of the document kept forever (0 = plain window attention)
 * @param window W: capacity of the recent part of the cache, in tokens
 * @param chunk C: tokens per forward step (the window whose results are published); C > W is valid
 * @param mode how positions are assigned
 * @param diagnosticsRate fraction of windows whose attention diagnostics are computed, in [0, 1]
 */
public record StreamingSettings(int sinks, int window, int chunk, PositionMode mode, double diagnosticsRate) {

  public StreamingSettings {
    if (sinks < 0) {
      throw new IllegalArgumentException("sinks (S) must be ≥ 0, got " + sinks);
    }
    if (window < 0) {
      throw new IllegalArgumentException("window (W) must be ≥ 0, got " + window);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk (C) must be ≥ 1, got " + chunk);
    }
    if (mode == null) {
      throw new IllegalArgumentException("positions mode is required");
    }
    if (!(diagnosticsRate >= 0 && diagnosticsRate <= 1)) {
      throw new IllegalArgumentException("diagnostics rate must be in [0, 1], got " + diagnosticsRate);
    }
  }

  /**
   * Settings with the spec's defaults filled in for a model trained on {@code trainedContext} tokens: C =
   * min(256, trainedContext / 4) so that a useful window remains, and W = trainedContext − S − C, so that
   * rolling positions never pass the trained context.
   *
   * @param window W, or null for the default
   * @param chunk C, or null for the default
   */
  public static StreamingSettings forModel(
      int trainedContext, int sinks, Integer window, Integer chunk, PositionMode mode, double diagnosticsRate) {
    int c = chunk != null ? chunk : Math.max(1, Math.min(256, trainedContext / 4));
    int w = window != null ? window : Math.max(0, trainedContext - sinks - c);
    return new StreamingSettings(sinks, w, c, mode, diagnosticsRate);
  }

  /** Whether window {@code index} computes attention diagnostics: an even, deterministic sample. */
  public boolean samplesDiagnostics(long index) {
    return Math.floor((index + 1) * diagnosticsRate) > Math.floor(index * diagnosticsRate);
  }

  /** Largest position id rolling mode can produce: S + W + C − 1. */
  public long maxRollingPosition() {
    return (long) sinks + window + chunk - 1;
  }
}
