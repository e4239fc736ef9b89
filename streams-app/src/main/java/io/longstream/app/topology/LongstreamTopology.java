package io.longstream.app.topology;

import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.input.DocumentClassifier;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole Kafka Streams topology of longstream, built on a given {@link StreamsBuilder} (by the Spring app
 * and by TopologyTestDriver tests alike):
 *
 * <pre>
 * input ── classify ──┬── rejected ─────────────────────────────────────► dlq
 *                     └── document ── analyze ──┬── WindowEmbedding ────► windows
 *                                               ├── WindowMetrics ──────► metrics
 *                                               ├── DocumentSummary ────► summaries
 *                                               └── DeadLetter ─────────► dlq
 * </pre>
 *
 * <p>Without a {@link DocumentAnalyzer} the document branch ends at an {@code awaiting-engine} node that logs
 * and counts accepted documents. All nodes are named, so the topology description stays stable.
 */
public final class LongstreamTopology {

  private static final Logger log = LoggerFactory.getLogger(LongstreamTopology.class);

  private final LongstreamTopics topics;
  private final DocumentClassifier classifier;
  private final DeadLetters deadLetters;
  private final DocumentAnalyzer analyzer;
  private final int maxTokens;
  private final MeterRegistry meters;

  /**
   * @param topics the topics
   * @param classifier input decoding and validation
   * @param analyzer the compute step, or {@code null} while no engine is wired
   * @param maxTokens token limit enforced when the analyzer reports the token count
   * @param keepPayload whether dead letters carry the refused value
   * @param clock time source of dead-letter timestamps
   * @param meters where the accepted and dead-lettered counts go
   */
  public LongstreamTopology(LongstreamTopics topics, DocumentClassifier classifier, DocumentAnalyzer analyzer,
      int maxTokens, boolean keepPayload, Clock clock, MeterRegistry meters) {
    this.topics = topics;
    this.classifier = classifier;
    this.analyzer = analyzer;
    this.maxTokens = maxTokens;
    this.deadLetters = new DeadLetters(keepPayload, clock, meters);
    this.meters = meters;
  }

  /** Adds the topology to {@code builder}. */
  public void build(StreamsBuilder builder) {
    KStream<String, SpecificRecord> classified = builder
        .stream(topics.input().name(), topics.input().consumed("input"))
        .process(() -> new ClassifyProcessor(classifier, deadLetters), Named.as("classify"));
    Map<String, KStream<String, SpecificRecord>> routes = classified.split(Named.as("input-"))
        .branch((key, value) -> value instanceof DeadLetter, Branched.as("rejected"))
        .defaultBranch(Branched.as("document"));
    toDeadLetters(routes.get("input-rejected"), "input");
    KStream<String, Document> documents = routes.get("input-document")
        .mapValues(value -> (Document) value, Named.as("as-document"));
    if (analyzer == null) {
      documents.foreach(this::awaitEngine, Named.as("awaiting-engine"));
    } else {
      analyze(documents);
    }
  }

  private void analyze(KStream<String, Document> documents) {
    KStream<String, SpecificRecord> outputs =
        documents.process(() -> new AnalyzeProcessor(analyzer, maxTokens, deadLetters), Named.as("analyze"));
    Map<String, KStream<String, SpecificRecord>> routes = outputs.split(Named.as("output-"))
        .branch((key, value) -> value instanceof WindowEmbedding, Branched.as("window"))
        .branch((key, value) -> value instanceof WindowMetrics, Branched.as("metrics"))
        .branch((key, value) -> value instanceof DocumentSummary, Branched.as("summary"))
        .defaultBranch(Branched.as("rejected"));
    routes.get("output-window").mapValues(value -> (WindowEmbedding) value, Named.as("as-window"))
        .to(topics.windows().name(), topics.windows().produced("windows-sink"));
    routes.get("output-metrics").mapValues(value -> (WindowMetrics) value, Named.as("as-metrics"))
        .to(topics.metrics().name(), topics.metrics().produced("metrics-sink"));
    routes.get("output-summary").mapValues(value -> (DocumentSummary) value, Named.as("as-summary"))
        .to(topics.summaries().name(), topics.summaries().produced("summaries-sink"));
    toDeadLetters(routes.get("output-rejected"), "analysis");
  }

  private void toDeadLetters(KStream<String, SpecificRecord> rejected, String stage) {
    rejected.mapValues(value -> (DeadLetter) value, Named.as("as-dead-letter-" + stage))
        .to(topics.dlq().name(), topics.dlq().produced("dlq-sink-" + stage));
  }

  private void awaitEngine(String docId, Document document) {
    meters.counter("longstream.documents.awaiting.engine").increment();
    log.info("accepted document {} ({} chars); no DocumentAnalyzer is wired yet", docId, document.getText().length());
  }
}
