package io.longstream.model.training;

/**
 * SplitMix64 (Steele, Lea and Flood, 2014; the generator behind {@link java.util.SplittableRandom}) with
 * its whole state in one {@code long}, so that a checkpoint can save it and a resumed run draws exactly
 * the numbers the uninterrupted run would have drawn. Not thread-safe.
 */
final class SplitMix64 {

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;

  SplitMix64(long state) {
    this.state = state;
  }

  /** The state to save; {@code new SplitMix64(state())} continues the same sequence. */
  long state() {
    return state;
  }

  long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound), without modulo bias (Lemire's rejection on the high bits). */
  long nextLong(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
    long r;
    do {
      r = nextLong() >>> 1;
    } while (r >= limit);
    return r % bound;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Standard normal by Box-Muller; StrictMath so that every JVM draws bit-identical values. */
  double nextGaussian() {
    double u = 1.0 - nextDouble(); // (0, 1]: log is finite
    double v = nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * Math.PI * v);
  }
}
