package io.longstream.app.topology;

import io.longstream.app.config.LongstreamProperties;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.LongstreamSerdes;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The service's topics. Input values are raw bytes because they may be Avro or plain text: the classifier,
 * not a serde, decides, so that undecodable values become dead letters instead of deserialization errors.
 *
 * @param input documents, Avro single-object or plain UTF-8 text, key = document id
 * @param windows one WindowEmbedding per window
 * @param summaries one DocumentSummary per document
 * @param metrics one WindowMetrics per window
 * @param dlq one DeadLetter per refused input record
 */
public record LongstreamTopics(
    Topic<String, byte[]> input,
    Topic<String, WindowEmbedding> windows,
    Topic<String, DocumentSummary> summaries,
    Topic<String, WindowMetrics> metrics,
    Topic<String, DeadLetter> dlq) {

  /** Topics named by the configuration. */
  public static LongstreamTopics of(LongstreamProperties.Topics names) {
    return new LongstreamTopics(
        new Topic<>(names.input(), Serdes.String(), Serdes.ByteArray()),
        new Topic<>(names.windows(), Serdes.String(), LongstreamSerdes.windowEmbedding()),
        new Topic<>(names.summaries(), Serdes.String(), LongstreamSerdes.documentSummary()),
        new Topic<>(names.metrics(), Serdes.String(), LongstreamSerdes.windowMetrics()),
        new Topic<>(names.dlq(), Serdes.String(), LongstreamSerdes.deadLetter()));
  }
}
