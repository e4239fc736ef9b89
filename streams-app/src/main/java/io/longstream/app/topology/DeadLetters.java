package io.longstream.app.topology;

import io.longstream.app.input.RejectReason;
import io.longstream.schemas.DeadLetter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds DeadLetter records with the source coordinates of the refused record, and counts them by reason. */
final class DeadLetters {

  private final boolean keepPayload;
  private final Clock clock;
  private final MeterRegistry meters;

  DeadLetters(boolean keepPayload, Clock clock, MeterRegistry meters) {
    this.keepPayload = keepPayload;
    this.clock = clock;
    this.meters = meters;
  }

  DeadLetter of(RejectReason reason, String message, String documentId, RecordMetadata source, String key, byte[] value) {
    meters.counter("longstream.dlq.records", "reason", reason.name()).increment();
    return DeadLetter.newBuilder()
        .setReason(reason.name())
        .setMessage(message)
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setOriginalKey(key)
        .setDocumentId(documentId)
        .setPayloadBytes(value == null ? -1 : value.length)
        .setPayload(keepPayload && value != null ? ByteBuffer.wrap(value) : null)
        .setTimestamp(clock.instant())
        .build();
  }
}
