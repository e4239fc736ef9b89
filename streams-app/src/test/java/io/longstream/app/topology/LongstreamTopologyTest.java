package io.longstream.app.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.config.LongstreamProperties;
import io.longstream.app.input.DocumentClassifier;
import io.longstream.app.input.RejectReason;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LongstreamTopologyTest {

  static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  static final SingleObjectCodec<Document> CODEC = SingleObjectCodec.of(Document.class);
  static final LongstreamTopics TOPICS = LongstreamTopics.of(new LongstreamProperties.Topics(
      "documents", "windows", "summaries", "metrics", "dlq", 1, (short) 1, true));

  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  TopologyTestDriver driver;
  TestInputTopic<String, byte[]> input;
  TestOutputTopic<String, DeadLetter> dlq;

  void start(DocumentAnalyzer analyzer, boolean keepPayload) {
    LongstreamTopology topology = new LongstreamTopology(TOPICS, new DocumentClassifier(128), analyzer, 5,
        keepPayload, Clock.fixed(NOW, ZoneOffset.UTC), meters);
    StreamsBuilder builder = new StreamsBuilder();
    topology.build(builder);
    Properties config = new Properties();
    config.put(StreamsConfig.APPLICATION_ID_CONFIG, "longstream-test");
    driver = new TopologyTestDriver(builder.build(), config);
    input = driver.createInputTopic("documents", Serdes.String().serializer(), Serdes.ByteArray().serializer());
    dlq = driver.createOutputTopic("dlq", Serdes.String().deserializer(), TOPICS.dlq().valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  static byte[] avro(String id, String text) {
    return CODEC.encode(new Document(id, text, null, null, Map.of(), NOW));
  }

  static byte[] text(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void shouldDeadLetterEveryKindOfBadInputWithItsSourceCoordinates() {
    start(null, false);
    byte[] corrupt = avro("c", "corrupt avro");
    byte[] unknown = avro("u", "unknown fingerprint");
    unknown[4] ^= 0x10;
    List<TestRecord<String, byte[]>> bad = List.of(
        new TestRecord<>("bytes", new byte[] {(byte) 0xFE, (byte) 0xFF}),
        new TestRecord<>("unknown", unknown),
        new TestRecord<>("corrupt", Arrays.copyOf(corrupt, corrupt.length - 2)),
        new TestRecord<>("empty", text("  \n ")),
        new TestRecord<>(null, text("a document without key")),
        new TestRecord<>("big", text("x".repeat(129))),
        new TestRecord<>("nul", text("a\u0000b")));

    input.pipeRecordList(bad);

    List<DeadLetter> letters = dlq.readValuesToList();
    assertThat(letters).extracting(DeadLetter::getReason).containsExactly(
        "NOT_AVRO_OR_UTF8", "UNKNOWN_SCHEMA_FINGERPRINT", "CORRUPT_AVRO", "EMPTY_TEXT", "MISSING_KEY",
        "TOO_MANY_BYTES", "CONTROL_CHARACTERS");
    assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(letters).allSatisfy(letter -> {
      assertThat(letter.getSourceTopic()).isEqualTo("documents");
      assertThat(letter.getSourcePartition()).isZero();
      assertThat(letter.getTimestamp()).isEqualTo(NOW);
      assertThat(letter.getPayload()).isNull();
    });
    assertThat(letters).extracting(DeadLetter::getOriginalKey)
        .containsExactly("bytes", "unknown", "corrupt", "empty", null, "big", "nul");
    assertThat(meters.get("longstream.dlq.records").tag("reason", "MISSING_KEY").counter().count()).isEqualTo(1);
  }

  @Test
  void shouldKeyDeadLettersByTheOriginalKey() {
    start(null, false);

    input.pipeInput("the-key", text(""));

    assertThat(dlq.readRecord().key()).isEqualTo("the-key");
  }

  @Test
  void shouldNotDeadLetterGoodDocuments() {
    start(null, false);

    input.pipeInput("plain", text("It was a bright cold day in April."));
    input.pipeInput("ignored-key", avro("avro-doc", "And the clocks were striking thirteen."));
    input.pipeInput("bad", text(""));

    assertThat(dlq.readValuesToList()).extracting(DeadLetter::getOriginalKey).containsExactly("bad");
    assertThat(meters.get("longstream.documents.awaiting.engine").counter().count()).isEqualTo(2);
  }

  @Test
  void shouldKeepThePayloadOnlyWhenConfigured() {
    start(null, true);
    byte[] value = {(byte) 0xFF};

    input.pipeInput("k", value);

    DeadLetter letter = dlq.readValue();
    assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(value));
    assertThat(letter.getPayloadBytes()).isEqualTo(1);
  }

  @Test
  void shouldNameEveryNodeOfTheTopology() {
    start(null, false);
    StreamsBuilder builder = new StreamsBuilder();
    new LongstreamTopology(TOPICS, new DocumentClassifier(128), null, 5, false, Clock.systemUTC(), meters)
        .build(builder);

    String description = builder.build().describe().toString();

    assertThat(description).contains("Source: input", "Processor: classify", "Sink: dlq-sink-input",
        "Processor: awaiting-engine").doesNotContain("KSTREAM-");
  }
}
