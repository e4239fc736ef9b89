package io.longstream.model.streaming;

import java.util.Arrays;
import java.util.Locale;

/** How positions are assigned while streaming (see the streaming-semantics spec). */
public enum PositionMode {
  /** Positions are indices inside the cache (StreamingLLM pos_shift): never past S + W + C − 1. */
  ROLLING,
  /** Every token keeps its document position: shows what happens past the trained context. */
  ABSOLUTE,
  /** Each chunk re-encodes sinks + the last W tokens from scratch: the O(N·W) quality reference. */
  RECOMPUTE;

  /** Parses {@code rolling}, {@code absolute} or {@code recompute}. */
  public static PositionMode parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "unknown positions mode '" + name + "'; known: " + Arrays.stream(values()).map(PositionMode::label).toList());
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
