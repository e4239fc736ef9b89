package io.longstream.model.streaming;

/** A caller-given span [start, end) of document tokens to pool (e.g. a sentence). */
public record TokenSpan(long start, long end) {

  public TokenSpan {
    if (start < 0 || end <= start) {
      throw new IllegalArgumentException("span must satisfy 0 ≤ start < end, got [" + start + ", " + end + ")");
    }
  }
}
