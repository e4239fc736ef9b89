package io.longstream.app.analysis;

import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.WindowResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The running perplexity-by-position curve behind {@code /actuator/extrapolation}: mean nll of every
 * predicted token bucketed by its position in its document (buckets [0, 128), [128, 256), [256, 512), …
 * doubling), per positions mode, plus the latest window's diagnostics. Thread-safe.
 */
final class ExtrapolationTracker implements AnalysisListener {

  private static final int FIRST_BUCKET = 128;

  private final Map<String, Map<Integer, double[]>> sums = new ConcurrentHashMap<>();
  private volatile Map<String, Object> latest = Map.of();

  @Override
  public void onWindow(WindowResult window, PositionMode mode) {
    Map<Integer, double[]> curve = sums.computeIfAbsent(mode.label(), m -> new ConcurrentHashMap<>());
    float[] nll = window.nll();
    for (int i = 0; i < nll.length; i++) {
      double[] cell = curve.computeIfAbsent(bucket(window.tokenStart() + i), b -> new double[2]);
      synchronized (cell) {
        cell[0] += nll[i];
        cell[1] += 1;
      }
    }
    latest = describe(window, mode);
  }

  @Override
  public void onDocument(int tokens) {}

  /** The bucket's lower bound: 0 below 128, else the largest power of two ≤ position. */
  static int bucket(long position) {
    return position < FIRST_BUCKET ? 0 : Integer.highestOneBit((int) Math.min(position, Integer.MAX_VALUE));
  }

  /** The bucket containing {@code position}, as "from-to". */
  static String bucketLabel(long position) {
    int from = bucket(position);
    return from + "-" + (from == 0 ? FIRST_BUCKET : 2L * from);
  }

  /** {mode → [{from, to, tokens, meanNll, perplexity}…]} in position order, and the latest diagnostics. */
  Map<String, Object> snapshot() {
    Map<String, Object> curves = new LinkedHashMap<>();
    sums.forEach((mode, curve) -> curves.put(mode, curve.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> point(e.getKey(), e.getValue()))
        .toList()));
    return Map.of("perplexityByPosition", curves, "latestWindow", latest);
  }

  private static Map<String, Object> point(int from, double[] cell) {
    double sum;
    double count;
    synchronized (cell) {
      sum = cell[0];
      count = cell[1];
    }
    int to = from == 0 ? FIRST_BUCKET : from * 2;
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", from);
    p.put("to", to);
    p.put("tokens", (long) count);
    p.put("meanNll", sum / count);
    p.put("perplexity", Math.exp(sum / count));
    return p;
  }

  private static Map<String, Object> describe(WindowResult w, PositionMode mode) {
    var d = w.diagnostics();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("positions", mode.label());
    m.put("window", w.index());
    m.put("tokenStart", w.tokenStart());
    m.put("tokenEnd", w.tokenEnd());
    m.put("perplexity", d.perplexity());
    m.put("maxPosition", d.maxPosition());
    m.put("trainedContext", d.trainedContext());
    m.put("ropeDimsPastTrainedAngles", d.dimsPastTrainedAngles());
    m.put("ropeEffectiveScale", d.effectiveRopeScale());
    if (d.sampled()) {
      m.put("sinkMass", d.sinkMass());
      m.put("sinkMassPerLayer", d.sinkMassPerLayer());
      m.put("attentionEntropy", d.entropy());
      m.put("attentionEntropyPerLayer", d.entropyPerLayer());
    }
    m.put("cacheSinks", d.cacheSinks());
    m.put("cacheRecent", d.cacheRecent());
    m.put("cacheBytes", d.cacheBytes());
    m.put("latencyMs", d.latencyMillis());
    return m;
  }
}
