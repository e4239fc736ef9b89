package io.longstream.app.analysis;

import io.longstream.app.config.LongstreamProperties;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.engine.ThreadPlan;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.SingleObjectCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The service's compute step run in the test JVM, wired exactly as {@link EngineConfiguration} wires it for
 * the service with default settings: the uninterrupted reference that outputs read back from Kafka are
 * compared with, byte for byte.
 */
public final class ReferenceAnalysis implements AutoCloseable {

  private final LanguageModel model;
  private final DocumentAnalyzer analyzer;
  private final SingleObjectCodec<WindowEmbedding> windowCodec = SingleObjectCodec.of(WindowEmbedding.class);
  private final SingleObjectCodec<DocumentSummary> summaryCodec = SingleObjectCodec.of(DocumentSummary.class);

  private ReferenceAnalysis(LanguageModel model, DocumentAnalyzer analyzer) {
    this.model = model;
    this.analyzer = analyzer;
  }

  /** The bundled model with the service's default settings ({@code longstream.*} unset). */
  public static ReferenceAnalysis withDefaults() {
    LongstreamProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
        .bindOrCreate("longstream", LongstreamProperties.class);
    EngineConfiguration engine = new EngineConfiguration();
    ThreadPlan plan = engine.threadPlan(properties, new KafkaProperties());
    LanguageModel model = engine.languageModel(properties, plan);
    DocumentAnalyzer analyzer = engine.documentAnalyzer(model, plan, engine.streamingSettings(properties, model), properties,
        new ExtrapolationTracker(), new SimpleMeterRegistry());
    return new ReferenceAnalysis(model, analyzer);
  }

  /** The Avro single-object values the service publishes for {@code document}. */
  public Outputs analyze(Document document) {
    Outputs outputs = new Outputs(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try {
      analyzer.analyze(document, new AnalysisSink() {
        @Override
        public void tokenized(int tokenCount) {}

        @Override
        public void window(WindowEmbedding embedding, WindowMetrics metrics) {
          outputs.windows().add(windowCodec.encode(embedding));
          outputs.metrics().add(metrics);
        }

        @Override
        public void summary(DocumentSummary summary) {
          outputs.summary().add(summaryCodec.encode(summary));
        }
      });
    } catch (DocumentRejectedException e) {
      throw new IllegalArgumentException(document.getId() + " was rejected: " + e.getMessage(), e);
    }
    return outputs;
  }

  @Override
  public void close() {
    model.close();
  }

  /**
   * One document's outputs.
   *
   * @param windows WindowEmbedding values in window order
   * @param metrics WindowMetrics in window order (decoded: latency fields differ from run to run)
   * @param summary the one DocumentSummary value
   */
  public record Outputs(List<byte[]> windows, List<WindowMetrics> metrics, List<byte[]> summary) {}
}
