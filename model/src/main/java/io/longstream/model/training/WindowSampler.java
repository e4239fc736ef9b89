package io.longstream.model.training;

/**
 * Draws training windows of {@code context + 1} tokens (inputs and their next tokens) at uniformly random
 * offsets of the training stream, from a seeded {@link SplitMix64} whose state a checkpoint saves.
 */
final class WindowSampler {

  /** Separates the sampler's sequence from the weight initialisation's, which starts from the same seed. */
  private static final long STREAM = 0x632BE59BD9B4E019L;

  private final int[] tokens;
  private final int length;
  private SplitMix64 random;

  WindowSampler(TokenSplit data, int context, long seed) {
    this.tokens = data.train();
    this.length = context + 1;
    if (tokens.length < length || data.validation().length < length) {
      throw new IllegalArgumentException(
          "corpus too small for context " + context + ": " + tokens.length + " training and "
              + data.validation().length + " validation tokens");
    }
    this.random = new SplitMix64(seed ^ STREAM);
  }

  long[][] nextBatch(int batchSize) {
    long[][] batch = new long[batchSize][];
    for (int i = 0; i < batchSize; i++) {
      batch[i] = window(tokens, (int) random.nextLong(tokens.length - length + 1), length);
    }
    return batch;
  }

  long state() {
    return random.state();
  }

  void restore(long state) {
    random = new SplitMix64(state);
  }

  /** {@code count} windows of {@code context + 1} tokens at evenly spaced offsets of {@code stream}. */
  static long[][] evenlySpaced(int[] stream, int context, int count) {
    int length = context + 1;
    long span = stream.length - length;
    long[][] windows = new long[count][];
    for (int i = 0; i < count; i++) {
      windows[i] = window(stream, (int) (count == 1 ? 0 : span * i / (count - 1)), length);
    }
    return windows;
  }

  private static long[] window(int[] stream, int start, int length) {
    long[] window = new long[length];
    for (int i = 0; i < length; i++) {
      window[i] = stream[start + i];
    }
    return window;
  }
}
