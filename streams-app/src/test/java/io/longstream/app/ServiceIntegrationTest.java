package io.longstream.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.longstream.app.cli.LongstreamCommand;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.LongstreamSerdes;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The service end to end on the real embedded KRaft broker: bad input lands in the DLQ with reason and
 * coordinates (read_committed), good input does not; health and security defaults; the CLI against it. The
 * Spring context and broker are those of every {@link ServiceTest} class.
 */
@ServiceTest
class ServiceIntegrationTest {

  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @LocalServerPort int port;

  @Value("${spring.kafka.bootstrap-servers}")
  String bootstrap;

  private final HttpClient http = HttpClient.newHttpClient();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  @Test
  void shouldDeadLetterBadInputWithReasonAndSourceCoordinatesAndLeaveGoodInputAlone() throws Exception {
    byte[] avro = SingleObjectCodec.of(Document.class)
        .encode(new Document("avro-" + run, "Good Avro text.", null, null, Map.of(), Instant.now()));
    byte[] unknownFingerprint = avro.clone();
    unknownFingerprint[3] ^= 0x20;
    Map<String, byte[]> bad = new HashMap<>();
    bad.put("binary-" + run, new byte[] {(byte) 0xFF, 0x00, (byte) 0xFE});
    bad.put("fingerprint-" + run, unknownFingerprint);
    bad.put("truncated-" + run, Arrays.copyOf(avro, avro.length - 3));
    bad.put("blank-" + run, " \n ".getBytes(UTF_8));
    bad.put("big-" + run, "x".repeat(20_000).getBytes(UTF_8));
    bad.put("nul-" + run, "before\u0000after".getBytes(UTF_8));

    Map<String, RecordMetadata> sent = new HashMap<>();
    try (KafkaProducer<String, byte[]> producer = producer()) {
      sent.put("good-" + run, producer.send(new ProducerRecord<>("documents", "good-" + run, "Plain good text.".getBytes(UTF_8))).get());
      sent.put("avro-" + run, producer.send(new ProducerRecord<>("documents", "avro-" + run, avro)).get());
      for (Map.Entry<String, byte[]> record : bad.entrySet()) {
        sent.put(record.getKey(), producer.send(new ProducerRecord<>("documents", record.getKey(), record.getValue())).get());
      }
      // Null key, sent last: when its dead letter is in, every record before it has been processed.
      sent.put(null, producer.send(new ProducerRecord<>("documents", null, ("nokey " + run).getBytes(UTF_8))).get());
    }

    Map<String, DeadLetter> letters = awaitDeadLetters(sent.get(null).offset());

    assertThat(letters).containsOnlyKeys("binary-" + run, "fingerprint-" + run, "truncated-" + run, "blank-" + run,
        "big-" + run, "nul-" + run, "null-key");
    assertThat(letters).hasEntrySatisfying("binary-" + run, l -> assertThat(l.getReason()).isEqualTo("NOT_AVRO_OR_UTF8"))
        .hasEntrySatisfying("fingerprint-" + run, l -> assertThat(l.getReason()).isEqualTo("UNKNOWN_SCHEMA_FINGERPRINT"))
        .hasEntrySatisfying("truncated-" + run, l -> assertThat(l.getReason()).isEqualTo("CORRUPT_AVRO"))
        .hasEntrySatisfying("blank-" + run, l -> assertThat(l.getReason()).isEqualTo("EMPTY_TEXT"))
        .hasEntrySatisfying("big-" + run, l -> assertThat(l.getReason()).isEqualTo("TOO_MANY_BYTES"))
        .hasEntrySatisfying("nul-" + run, l -> assertThat(l.getReason()).isEqualTo("CONTROL_CHARACTERS"))
        .hasEntrySatisfying("null-key", l -> assertThat(l.getReason()).isEqualTo("MISSING_KEY"));
    letters.forEach((key, letter) -> {
      RecordMetadata source = sent.get(key.equals("null-key") ? null : key);
      assertThat(letter.getSourceTopic()).isEqualTo("documents");
      assertThat(letter.getSourcePartition()).isEqualTo(source.partition());
      assertThat(letter.getSourceOffset()).isEqualTo(source.offset());
      assertThat(letter.getPayload()).as("payload kept only when configured").isNull();
    });
  }

  @Test
  void shouldReportHealthUpWithoutAuthentication() throws Exception {
    await().atMost(PATIENCE).untilAsserted(() -> {
      HttpResponse<String> health = get("/actuator/health", false);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components");
    });
    assertThat(get("/actuator/info", false).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldShowHealthDetailsOnlyWhenAuthenticated() throws Exception {
    await().atMost(PATIENCE).until(() -> get("/actuator/health", false).statusCode() == 200);

    assertThat(get("/actuator/health", false).body()).doesNotContain("clusterId");
    assertThat(get("/actuator/health", true).body()).contains("\"kafkaStreams\"", "\"RUNNING\"", "clusterId", "\"modelId\"", "activeTasks", "stateSince");
  }

  @Test
  void shouldRequireAuthenticationForEverythingElse() throws Exception {
    for (String path : List.of("/actuator", "/actuator/prometheus", "/actuator/metrics", "/actuator/extrapolation",
        "/actuator/env", "/actuator/beans", "/actuator/heapdump", "/actuator/loggers", "/", "/anything")) {
      assertThat(get(path, false).statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> prometheus = get("/actuator/prometheus", true);
    assertThat(prometheus.statusCode()).isEqualTo(200);
    assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
  }

  @Test
  void shouldPublishWithTheCliAndReadTheDeadLetterBackAsJson(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("cli-" + run + ".txt"), "control\u0007character");

    assertThat(cli("publish", "--plain", "--bootstrap", bootstrap, file.toString())).contains("cli-" + run + ".txt -> documents-0@");

    await().atMost(PATIENCE).untilAsserted(() -> assertThat(
        cli("consume", "--topic", "dlq", "--from-beginning", "--timeout", "2", "--bootstrap", bootstrap))
        .contains("\"reason\":\"CONTROL_CHARACTERS\"", "\"originalKey\":\"cli-" + run + ".txt\""));
  }

  private String cli(String... args) {
    StringWriter out = new StringWriter();
    var command = LongstreamCommand.commandLine();
    command.setOut(new PrintWriter(out, true));
    assertThat(command.execute(args)).isZero();
    return out.toString();
  }

  private Map<String, DeadLetter> awaitDeadLetters(long lastOffset) {
    Map<String, DeadLetter> letters = new HashMap<>();
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), LongstreamSerdes.deadLetter())) {
      TopicPartition dlq = new TopicPartition("dlq", 0);
      consumer.assign(Set.of(dlq));
      consumer.seekToBeginning(Set.of(dlq));
      await().atMost(PATIENCE).until(() -> {
        for (ConsumerRecord<String, DeadLetter> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value().getMessage() != null && (record.key() == null || record.key().endsWith(run))) {
            letters.put(record.key() == null ? "null-key" : record.key(), record.value());
          }
        }
        DeadLetter last = letters.get("null-key");
        return last != null && last.getSourceOffset() == lastOffset;
      });
    }
    return letters;
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(), new ByteArraySerializer());
  }

  private HttpResponse<String> get(String path, boolean authenticated) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (authenticated) {
      String credentials = Base64.getEncoder().encodeToString(("admin:" + ServiceTest.PASSWORD).getBytes(UTF_8));
      request.header("Authorization", "Basic " + credentials);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
