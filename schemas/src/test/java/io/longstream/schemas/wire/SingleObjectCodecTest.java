package io.longstream.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.SummarySentence;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.AvroDecodeException.Kind;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SingleObjectCodecTest {

  private final SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);

  static Document document() {
    return Document.newBuilder()
        .setId("doc-1")
        .setText("It was the best of times, it was the worst of times.")
        .setTitle("A Tale of Two Cities")
        .setMetadata(Map.of("lang", "en"))
        .setTimestamp(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  @Test
  void shouldRoundTripADocument() throws AvroDecodeException {
    assertThat(codec.decode(codec.encode(document()))).isEqualTo(document());
  }

  @Test
  void shouldWriteTheStandardSingleObjectFormat() throws Exception {
    byte[] bytes = codec.encode(document());
    BinaryMessageDecoder<Document> standard =
        new BinaryMessageDecoder<>(SpecificData.getForClass(Document.class), Document.getClassSchema());

    assertThat(SingleObjectCodec.hasSingleObjectHeader(bytes)).isTrue();
    assertThat(standard.decode(bytes)).isEqualTo(document());
  }

  @Test
  void shouldRoundTripNullableDiagnosticsAndNestedRecords() throws AvroDecodeException {
    SingleObjectCodec<WindowMetrics> metrics = SingleObjectCodec.of(WindowMetrics.class);
    WindowMetrics sampled = metricsRecord().setSinkAttentionMassPerLayer(List.of(0.5, 0.25)).build();
    WindowMetrics unsampled = metricsRecord().build();
    SingleObjectCodec<DocumentSummary> summaries = SingleObjectCodec.of(DocumentSummary.class);
    DocumentSummary summary = summaryRecord();

    assertThat(metrics.decode(metrics.encode(sampled))).isEqualTo(sampled);
    assertThat(metrics.decode(metrics.encode(unsampled)).getSinkAttentionMassPerLayer()).isNull();
    assertThat(summaries.decode(summaries.encode(summary))).isEqualTo(summary);
  }

  @Test
  void shouldRejectAnUnknownFingerprint() {
    byte[] bytes = codec.encode(document());
    bytes[5] ^= 0x55;

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_FINGERPRINT));
  }

  @Test
  void shouldRejectATruncatedBody() {
    byte[] bytes = codec.encode(document());

    assertKind(Arrays.copyOf(bytes, bytes.length - 3), Kind.CORRUPT);
    assertKind(Arrays.copyOf(bytes, SingleObjectCodec.HEADER_LENGTH), Kind.CORRUPT);
  }

  @Test
  void shouldRejectTrailingBytes() {
    byte[] bytes = codec.encode(document());

    assertKind(Arrays.copyOf(bytes, bytes.length + 4), Kind.CORRUPT);
  }

  @Test
  void shouldRejectAHugeLengthPrefixWithoutAllocatingIt() {
    // id length as zig-zag varint 2^31-ish: must fail fast, not try to allocate 1 GiB.
    byte[] header = Arrays.copyOf(codec.encode(document()), SingleObjectCodec.HEADER_LENGTH);
    byte[] bytes = ByteBuffer.allocate(15).put(header).put(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}).array();

    assertKind(bytes, Kind.CORRUPT);
  }

  @Test
  void shouldRejectValuesWithoutTheHeader() {
    assertKind("plain text".getBytes(), Kind.NOT_SINGLE_OBJECT);
    assertKind(new byte[] {(byte) 0xC3, 0x01, 1}, Kind.NOT_SINGLE_OBJECT);
  }

  @Test
  void shouldTrustOnlyLongstreamGeneratedClasses() {
    assertThat(AvroClassTrust.isLongstreamGenerated(Document.class)).isTrue();
    assertThat(AvroClassTrust.isLongstreamGenerated(SingleObjectCodec.class)).isFalse();
  }

  @Test
  void shouldMapTombstonesAndReportGarbageAsSerializationException() {
    SingleObjectSerde<DeadLetter> serde = LongstreamSerdes.deadLetter();

    assertThat(serde.serialize("dlq", null)).isNull();
    assertThat(serde.deserialize("dlq", null)).isNull();
    assertThatThrownBy(() -> serde.deserialize("dlq", new byte[] {1, 2, 3}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("NOT_SINGLE_OBJECT");
  }

  private void assertKind(byte[] bytes, Kind kind) {
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOfSatisfying(AvroDecodeException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  private static WindowMetrics.Builder metricsRecord() {
    return WindowMetrics.newBuilder()
        .setDocId("d").setWindowIndex(0).setPositionsMode("rolling")
        .setNllMean(2.0).setPerplexity(Math.exp(2.0))
        .setMaxPositionId(511).setTrainedContext(2048)
        .setCacheSinks(4).setCacheRecent(508).setCacheBytes(1 << 20)
        .setLatencyMs(12.5).setTokensPerSecond(40_000);
  }

  private static DocumentSummary summaryRecord() {
    SummarySentence sentence = new SummarySentence("It was the best of times.", 0, 25, 0.9f);
    return DocumentSummary.newBuilder()
        .setDocId("d").setEmbedding(List.of(0.6f, 0.8f)).setSummary(List.of(sentence))
        .setTokenCount(12).setWindowCount(1).setMeanPerplexity(7.4).setModelId("tiny")
        .build();
  }
}
