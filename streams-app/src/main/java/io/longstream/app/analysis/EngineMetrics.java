package io.longstream.app.analysis;

import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.WindowDiagnostics;
import io.longstream.model.streaming.WindowResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The engine's Micrometer meters (Prometheus names in brackets): documents [longstream_documents_total],
 * windows [longstream_windows_total], tokens [longstream_tokens_total] (tokens/s is its rate), window latency
 * [longstream_window_latency_seconds, histogram], window perplexity [longstream_window_perplexity] and sink
 * attention mass [longstream_sink_attention_mass] of sampled windows. Window perplexity carries a
 * {@code position_bucket} tag, so the dashboard can draw perplexity by position.
 */
final class EngineMetrics implements AnalysisListener {

  private final Counter documents;
  private final Counter windows;
  private final Counter tokens;
  private final Timer latency;
  private final MeterRegistry registry;
  private final DistributionSummary sinkMass;

  EngineMetrics(MeterRegistry registry) {
    documents = Counter.builder("longstream.documents").description("Documents analysed").register(registry);
    windows = Counter.builder("longstream.windows").description("Windows published").register(registry);
    tokens = Counter.builder("longstream.tokens").description("Tokens run through the model").register(registry);
    latency = Timer.builder("longstream.window.latency")
        .description("Forward-step time of one window")
        .publishPercentileHistogram()
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry);
    this.registry = registry;
    sinkMass = DistributionSummary.builder("longstream.sink.attention.mass")
        .description("Attention mass on the sink tokens, sampled windows")
        .register(registry);
  }

  @Override
  public void onWindow(WindowResult window, PositionMode mode) {
    WindowDiagnostics d = window.diagnostics();
    windows.increment();
    tokens.increment(window.tokenEnd() - window.tokenStart());
    latency.record(Duration.ofNanos((long) (d.latencyMillis() * 1e6)));
    if (Double.isFinite(d.perplexity())) {
      perplexity(ExtrapolationTracker.bucketLabel(window.tokenStart())).record(d.perplexity());
    }
    if (d.sampled()) {
      sinkMass.record(d.sinkMass());
    }
  }

  /** Perplexity per in-document position bucket ("0-128", "128-256", … doubling): perplexity by position. */
  private DistributionSummary perplexity(String positionBucket) {
    return DistributionSummary.builder("longstream.window.perplexity")
        .description("Perplexity of each window, by the position of its first token in the document")
        .tag("position_bucket", positionBucket)
        .register(registry);
  }

  @Override
  public void onDocument(int tokenCount) {
    documents.increment();
  }
}
