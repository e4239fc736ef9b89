package io.longstream.model.streaming;

/**
 * Token ids that recompute mode re-encodes before each chunk: the first S tokens of the document and the
 * W most recent ones (bounded memory: S + W ids).
 */
final class RecomputeHistory {

  private final long[] sinks;
  private final long[] recent;
  private int sinkCount;
  private int recentStart;
  private int recentCount;

  RecomputeHistory(int sinks, int window) {
    this.sinks = new long[sinks];
    this.recent = new long[window];
  }

  /** sinks ++ recent ++ chunk, in document order. */
  long[] context(long[] chunk) {
    long[] context = new long[sinkCount + recentCount + chunk.length];
    System.arraycopy(sinks, 0, context, 0, sinkCount);
    for (int j = 0; j < recentCount; j++) {
      context[sinkCount + j] = recent[(recentStart + j) % recent.length];
    }
    System.arraycopy(chunk, 0, context, sinkCount + recentCount, chunk.length);
    return context;
  }

  /** Files the chunk's tokens: the first S of the document become sinks, the rest roll through W. */
  void remember(long[] chunk) {
    for (long token : chunk) {
      if (sinkCount < sinks.length) {
        sinks[sinkCount++] = token;
      } else if (recent.length > 0) {
        if (recentCount < recent.length) {
          recent[(recentStart + recentCount++) % recent.length] = token;
        } else {
          recent[recentStart] = token;
          recentStart = (recentStart + 1) % recent.length;
        }
      }
    }
  }

  int sinkCount() {
    return sinkCount;
  }

  int recentCount() {
    return recentCount;
  }
}
