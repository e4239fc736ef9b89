package io.longstream.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longstream.app.samples.EuroparlSamples;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.streaming.WindowResult;
import io.longstream.model.tokenizer.TokenizedText;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.LongstreamSerdes;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real held-out Europarl documents of several windows each through the running service and its embedded
 * broker, read back with read_committed: windows, metrics and the summary of each document check out against
 * the text, and the window embeddings are the streaming engine's own for the same text and settings.
 */
@ServiceTest
class EndToEndTest {

  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final int DOCUMENTS = 3;
  private static final int MIN_CHARS = 1_500;

  @LocalServerPort int port;

  @Value("${spring.kafka.bootstrap-servers}")
  String bootstrap;

  @Autowired LanguageModel languageModel;
  @Autowired StreamingSettings settings;

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldTurnEachDocumentIntoContiguousWindowsOneSummaryAndTheEnginesEmbeddings() throws Exception {
    List<Document> documents = EuroparlSamples.english(DOCUMENTS, MIN_CHARS, "e2e-" + run + "-");
    Map<String, Double> metersBefore = meters();

    publish(documents);
    Outputs outputs = awaitOutputs(documents);

    long tokens = 0;
    long windows = 0;
    for (Document document : documents) {
      String id = document.getId();
      TokenizedText tokenized = languageModel.tokenizer().encode(document.getText(), true);
      List<WindowEmbedding> docWindows = outputs.windows.get(id);
      assertThat(docWindows).as("windows of %s", id).hasSizeGreaterThan(1);
      assertWindowsCover(document.getText(), tokenized, docWindows);
      assertSummary(outputs.summaries.get(id), docWindows, tokenized);
      assertThat(outputs.metrics.get(id)).as("metrics of %s", id)
          .extracting(WindowMetrics::getWindowIndex).containsExactlyElementsOf(indices(docWindows.size()));
      assertSameEmbeddingsAsTheEngine(tokenized, docWindows);
      tokens += tokenized.size();
      windows += docWindows.size();
    }

    Map<String, Double> metersAfter = meters();
    assertThat(delta(metersBefore, metersAfter, "longstream_documents_total")).isGreaterThanOrEqualTo(DOCUMENTS);
    assertThat(delta(metersBefore, metersAfter, "longstream_windows_total")).isGreaterThanOrEqualTo(windows);
    assertThat(delta(metersBefore, metersAfter, "longstream_tokens_total")).isGreaterThanOrEqualTo(tokens);
    assertThat(metersAfter).containsKeys("longstream_window_latency_seconds_bucket", "longstream_window_perplexity_count");
    assertPerplexityCurve(tokens / DOCUMENTS);
  }

  /** Indices 0..n-1 in order, token spans contiguous from 0 to the last token, char spans those of the text. */
  private static void assertWindowsCover(String text, TokenizedText tokenized, List<WindowEmbedding> windows) {
    assertThat(windows).extracting(WindowEmbedding::getWindowIndex).containsExactlyElementsOf(indices(windows.size()));
    assertThat(windows.get(0).getTokenStart()).isZero();
    assertThat(windows.get(0).getCharStart()).isZero();
    assertThat(windows.get(windows.size() - 1).getTokenEnd()).isEqualTo(tokenized.size());
    assertThat(windows.get(windows.size() - 1).getCharEnd()).isEqualTo(text.length());
    for (int k = 0; k < windows.size(); k++) {
      WindowEmbedding w = windows.get(k);
      assertThat(w.getTokenEnd()).as("window %d", k).isGreaterThan(w.getTokenStart());
      assertThat(w.getCharStart()).as("window %d char start", k).isEqualTo(tokenized.charStarts()[w.getTokenStart()]);
      assertThat(w.getCharEnd()).as("window %d char end", k).isEqualTo(tokenized.charEnds()[w.getTokenEnd() - 1]);
      if (k > 0) {
        WindowEmbedding previous = windows.get(k - 1);
        assertThat(w.getTokenStart()).as("window %d follows %d", k, k - 1).isEqualTo(previous.getTokenEnd());
        // No character gap; a multi-byte character split between two windows belongs to both.
        assertThat(w.getCharStart()).as("window %d char start", k)
            .isBetween(previous.getCharStart(), previous.getCharEnd());
      }
    }
  }

  private static void assertSummary(List<DocumentSummary> summaries, List<WindowEmbedding> windows, TokenizedText tokenized) {
    assertThat(summaries).as("summaries").hasSize(1);
    DocumentSummary summary = summaries.get(0);
    int windowTokens = windows.stream().mapToInt(w -> w.getTokenEnd() - w.getTokenStart()).sum();
    assertThat(summary.getWindowCount()).isEqualTo(windows.size());
    assertThat(summary.getTokenCount()).isEqualTo(windowTokens).isEqualTo(tokenized.size());
    assertThat(summary.getSummary()).isNotEmpty();
  }

  /** The same text through a StreamingEngine on the service's model and settings, outside Kafka. */
  private void assertSameEmbeddingsAsTheEngine(TokenizedText tokenized, List<WindowEmbedding> windows) {
    List<WindowResult> direct = new ArrayList<>();
    try (DocumentStream stream = new StreamingEngine(languageModel).open(settings)) {
      direct.addAll(stream.feed(tokenized.ids()));
      direct.addAll(stream.finish());
    }
    assertThat(direct).hasSameSizeAs(windows);
    for (int k = 0; k < direct.size(); k++) {
      WindowResult expected = direct.get(k);
      WindowEmbedding actual = windows.get(k);
      assertThat(actual.getTokenStart()).isEqualTo(expected.tokenStart());
      assertThat(actual.getTokenEnd()).isEqualTo(expected.tokenEnd());
      assertThat(actual.getEmbedding()).hasSize(expected.embedding().length);
      for (int i = 0; i < expected.embedding().length; i++) {
        assertThat(actual.getEmbedding().get(i)).as("window %d, dimension %d", k, i)
            .isCloseTo(expected.embedding()[i], within(1e-6f));
      }
    }
  }

  /** /actuator/extrapolation (basic auth): the rolling curve reaches the bucket of the documents' length. */
  private void assertPerplexityCurve(long tokensPerDocument) throws Exception {
    HttpResponse<String> response = get("/actuator/extrapolation");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JsonMapper.builder().build().readTree(response.body());
    JsonNode curve = body.path("perplexityByPosition").path(settings.mode().label());
    assertThat(curve.isArray()).as("curve of %s in %s", settings.mode().label(), response.body()).isTrue();
    List<Long> from = new ArrayList<>();
    for (JsonNode point : curve) {
      from.add(point.get("from").asLong());
      assertThat(point.get("tokens").asLong()).isPositive();
      assertThat(point.get("perplexity").asDouble()).isGreaterThan(1.0).isFinite();
    }
    assertThat(from).isSorted().contains(0L, 128L, Long.highestOneBit(tokensPerDocument / 2));
    assertThat(body.path("latestWindow").path("positions").asString()).isEqualTo(settings.mode().label());
  }

  private void publish(List<Document> documents) throws Exception {
    SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (Document d : documents) {
        producer.send(new ProducerRecord<>("documents", d.getId(), codec.encode(d))).get();
      }
    }
  }

  /** What the three output topics hold for these documents, once each has its summary (same transaction). */
  private record Outputs(
      Map<String, List<WindowEmbedding>> windows,
      Map<String, List<DocumentSummary>> summaries,
      Map<String, List<WindowMetrics>> metrics) {

    boolean complete(List<Document> documents) {
      return documents.stream().allMatch(d -> summaries.containsKey(d.getId()));
    }
  }

  private Outputs awaitOutputs(List<Document> documents) {
    Outputs outputs = new Outputs(new HashMap<>(), new HashMap<>(), new HashMap<>());
    var windows = LongstreamSerdes.windowEmbedding();
    var summaries = LongstreamSerdes.documentSummary();
    var metrics = LongstreamSerdes.windowMetrics();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<TopicPartition> partitions = List.of(
        new TopicPartition("windows", 0), new TopicPartition("summaries", 0), new TopicPartition("metrics", 0));
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(PATIENCE);
      boolean lastPoll = false;
      while (!lastPoll) {
        // Once every summary is in, one more poll: a duplicate would show up right behind it.
        lastPoll = outputs.complete(documents);
        assertThat(Instant.now()).as("all summaries within %s", PATIENCE).isBefore(deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (!r.key().startsWith("e2e-" + run)) {
            continue;
          }
          switch (r.topic()) {
            case "windows" -> outputs.windows.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(windows.deserialize(r.topic(), r.value()));
            case "summaries" -> outputs.summaries.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(summaries.deserialize(r.topic(), r.value()));
            default -> outputs.metrics.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(metrics.deserialize(r.topic(), r.value()));
          }
        }
      }
    }
    return outputs;
  }

  private static List<Integer> indices(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  /** Prometheus samples by name (labels summed): {@code longstream_documents_total} → 3.0, …. */
  private Map<String, Double> meters() throws Exception {
    HttpResponse<String> response = get("/actuator/prometheus");
    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.startsWith("longstream_")) {
        String name = line.split("[{ ]", 2)[0];
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        samples.merge(name, value, Double::sum);
      }
    }
    return samples;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    assertThat(after).containsKey(name);
    return after.get(name) - before.getOrDefault(name, 0.0);
  }

  private HttpResponse<String> get(String path) throws Exception {
    String credentials = Base64.getEncoder().encodeToString(("admin:" + ServiceTest.PASSWORD).getBytes(UTF_8));
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Basic " + credentials)
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
