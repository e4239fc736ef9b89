package io.longstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.WindowMetrics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroJsonTest {

  @Test
  void shouldWritePlainJsonWithUnwrappedUnionsBase64BytesAndIsoTimestamps() {
    DeadLetter letter = DeadLetter.newBuilder().setReason("EMPTY_TEXT").setMessage("m \"quoted\"")
        .setSourceTopic("documents").setSourcePartition(2).setSourceOffset(41).setOriginalKey(null)
        .setDocumentId("d").setPayloadBytes(3).setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .setTimestamp(Instant.parse("2026-11-22T12:00:00Z")).build();

    assertThat(AvroJson.toJson(letter)).isEqualTo("{\"reason\":\"EMPTY_TEXT\",\"message\":\"m \\\"quoted\\\"\","
        + "\"sourceTopic\":\"documents\",\"sourcePartition\":2,\"sourceOffset\":41,\"originalKey\":null,"
        + "\"documentId\":\"d\",\"payloadBytes\":3,\"payload\":\"AQID\",\"timestamp\":\"2026-11-22T12:00:00Z\"}");
  }

  @Test
  void shouldWriteArraysAndNonFiniteNumbers() {
    WindowMetrics metrics = WindowMetrics.newBuilder().setDocId("d").setWindowIndex(0).setPositionsMode("rolling")
        .setNllMean(Double.NaN).setPerplexity(Double.POSITIVE_INFINITY).setSinkAttentionMassPerLayer(List.of(0.5, 0.25))
        .setMaxPositionId(7).setTrainedContext(8).setCacheSinks(4).setCacheRecent(4).setCacheBytes(1)
        .setLatencyMs(1.5).setTokensPerSecond(2).build();

    assertThat(AvroJson.toJson(metrics))
        .contains("\"nllMean\":\"NaN\"", "\"perplexity\":\"Infinity\"", "\"sinkAttentionMassPerLayer\":[0.5,0.25]",
            "\"sinkAttentionMassMean\":null", "\"latencyMs\":1.5");
  }
}
