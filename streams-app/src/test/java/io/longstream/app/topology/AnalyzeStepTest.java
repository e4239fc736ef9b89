package io.longstream.app.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longstream.app.analysis.AnalysisSink;
import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.analysis.DocumentRejectedException;
import io.longstream.app.input.DocumentClassifier;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plumbing around the compute step, with scripted analyzers standing in for the engine: they emit
 * placeholder records (not engine output) only to check routing, atomicity and the token-limit hook.
 */
class AnalyzeStepTest {

  private TopologyTestDriver driver;

  private TestInputTopic<String, byte[]> start(DocumentAnalyzer analyzer) {
    StreamsBuilder builder = new StreamsBuilder();
    new LongstreamTopology(LongstreamTopologyTest.TOPICS, new DocumentClassifier(1_000), analyzer, 5, false,
        Clock.systemUTC(), new SimpleMeterRegistry()).build(builder);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "longstream-test");
    driver = new TopologyTestDriver(builder.build(), config);
    return driver.createInputTopic("documents", Serdes.String().serializer(), Serdes.ByteArray().serializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  /** Reports one token per word, then one placeholder window per word and a summary. */
  static void scripted(Document document, AnalysisSink sink) throws DocumentRejectedException {
    String[] words = document.getText().split(" ");
    sink.tokenized(words.length);
    for (int i = 0; i < words.length; i++) {
      sink.window(placeholderWindow(document.getId(), i), placeholderMetrics(document.getId(), i));
    }
    sink.summary(placeholderSummary(document.getId(), words.length));
  }

  @Test
  void shouldRouteWindowsMetricsAndSummaryToTheirTopics() {
    start(AnalyzeStepTest::scripted).pipeInput("doc", "three little words".getBytes(UTF_8));

    assertThat(values("windows", WindowEmbedding.class)).extracting(WindowEmbedding::getWindowIndex).containsExactly(0, 1, 2);
    assertThat(values("metrics", WindowMetrics.class)).extracting(WindowMetrics::getWindowIndex).containsExactly(0, 1, 2);
    assertThat(values("summaries", DocumentSummary.class)).extracting(DocumentSummary::getDocId).containsExactly("doc");
    assertThat(values("dlq", DeadLetter.class)).isEmpty();
  }

  @Test
  void shouldDeadLetterDocumentsOverTheTokenLimitWithoutAnyWindow() {
    start(AnalyzeStepTest::scripted).pipeInput("long", "one two three four five six".getBytes(UTF_8));

    assertThat(values("windows", WindowEmbedding.class)).isEmpty();
    assertThat(values("summaries", DocumentSummary.class)).isEmpty();
    assertThat(values("dlq", DeadLetter.class)).singleElement().satisfies(letter -> {
      assertThat(letter.getReason()).isEqualTo("TOO_MANY_TOKENS");
      assertThat(letter.getMessage()).isEqualTo("6 tokens > limit 5");
      assertThat(letter.getDocumentId()).isEqualTo("long");
      assertThat(letter.getSourceOffset()).isZero();
    });
  }

  @Test
  void shouldPublishNothingOfADocumentTheEngineRefusesHalfway() {
    DocumentAnalyzer refusesAfterOneWindow = (document, sink) -> {
      sink.tokenized(2);
      sink.window(placeholderWindow(document.getId(), 0), placeholderMetrics(document.getId(), 0));
      throw new DocumentRejectedException(io.longstream.app.input.RejectReason.ANALYSIS_FAILED, "tokenizer failed");
    };

    start(refusesAfterOneWindow).pipeInput("doc", "two words".getBytes(UTF_8));

    assertThat(values("windows", WindowEmbedding.class)).isEmpty();
    assertThat(values("dlq", DeadLetter.class)).extracting(DeadLetter::getReason).containsExactly("ANALYSIS_FAILED");
  }

  @Test
  void shouldFailTheTaskWhenTheAnalyzerBreaksTheContract() {
    TestInputTopic<String, byte[]> input = start((document, sink) -> sink.tokenized(1));

    assertThatThrownBy(() -> input.pipeInput("doc", "word".getBytes(UTF_8)))
        .isInstanceOf(StreamsException.class)
        .hasRootCauseMessage("DocumentAnalyzer contract: analyze() returned without a summary");
  }

  private <T> List<T> values(String topic, Class<T> type) {
    var serde = switch (topic) {
      case "windows" -> LongstreamTopologyTest.TOPICS.windows().valueSerde();
      case "metrics" -> LongstreamTopologyTest.TOPICS.metrics().valueSerde();
      case "summaries" -> LongstreamTopologyTest.TOPICS.summaries().valueSerde();
      default -> LongstreamTopologyTest.TOPICS.dlq().valueSerde();
    };
    return driver.createOutputTopic(topic, Serdes.String().deserializer(), serde.deserializer())
        .readValuesToList().stream().map(type::cast).toList();
  }

  private static WindowEmbedding placeholderWindow(String docId, int index) {
    return new WindowEmbedding(docId, index, index, index + 1, 0, 1, "rolling", List.of(1f), "placeholder");
  }

  private static WindowMetrics placeholderMetrics(String docId, int index) {
    return WindowMetrics.newBuilder().setDocId(docId).setWindowIndex(index).setPositionsMode("rolling")
        .setNllMean(0).setPerplexity(1).setMaxPositionId(index).setTrainedContext(1).setCacheSinks(0)
        .setCacheRecent(0).setCacheBytes(0).setLatencyMs(0).setTokensPerSecond(0).build();
  }

  private static DocumentSummary placeholderSummary(String docId, int windows) {
    return new DocumentSummary(docId, List.of(1f), List.of(), windows, windows, 1.0, "placeholder");
  }
}
