package io.longstream.model.streaming;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mean-pools the final hidden states over caller-given token spans, accumulating across windows so that
 * a span crossing a chunk boundary pools all its tokens. A span is reported by the window it ends in.
 */
final class SpanPooling {

  private final List<TokenSpan> spans;
  private final int hiddenSize;
  private final List<Accumulator> open = new ArrayList<>();
  private int next;

  SpanPooling(List<TokenSpan> spans, int hiddenSize) {
    this.spans = new ArrayList<>(spans);
    this.spans.sort(Comparator.comparingLong(TokenSpan::start));
    this.hiddenSize = hiddenSize;
  }

  /** Adds a window's hidden states [T, D] starting at document token {@code start}. */
  List<PooledSpan> add(long start, NDArray hidden) {
    long end = start + hidden.getShape().get(0);
    while (next < spans.size() && spans.get(next).start() < end) {
      open.add(new Accumulator(spans.get(next++)));
    }
    if (open.isEmpty()) {
      return List.of();
    }
    float[] rows = hidden.toFloatArray();
    List<PooledSpan> done = new ArrayList<>();
    for (var it = open.iterator(); it.hasNext(); ) {
      Accumulator a = it.next();
      a.add(rows, start, end);
      if (a.span.end() <= end) {
        done.add(new PooledSpan(a.span, DocumentStream.normalise(a.mean())));
        it.remove();
      }
    }
    return done;
  }

  private final class Accumulator {
    final TokenSpan span;
    final double[] sum = new double[hiddenSize];
    long count;

    Accumulator(TokenSpan span) {
      this.span = span;
    }

    void add(float[] rows, long windowStart, long windowEnd) {
      long from = Math.max(span.start(), windowStart);
      long to = Math.min(span.end(), windowEnd);
      for (long token = from; token < to; token++) {
        int row = (int) (token - windowStart) * hiddenSize;
        for (int d = 0; d < hiddenSize; d++) {
          sum[d] += rows[row + d];
        }
        count++;
      }
    }

    float[] mean() {
      float[] mean = new float[hiddenSize];
      for (int d = 0; d < hiddenSize; d++) {
        mean[d] = (float) (sum[d] / Math.max(1, count));
      }
      return mean;
    }
  }
}
