package io.longstream.schemas.wire;

import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;

/** Serdes for every record type on longstream's topics; each call returns a new, thread-safe serde. */
public final class LongstreamSerdes {

  private LongstreamSerdes() {}

  /** Input topic values (the plain-text alternative is decoded by the service, not by a serde). */
  public static SingleObjectSerde<Document> document() {
    return new SingleObjectSerde<>(Document.class);
  }

  /** Values of the {@code windows} topic. */
  public static SingleObjectSerde<WindowEmbedding> windowEmbedding() {
    return new SingleObjectSerde<>(WindowEmbedding.class);
  }

  /** Values of the {@code summaries} topic. */
  public static SingleObjectSerde<DocumentSummary> documentSummary() {
    return new SingleObjectSerde<>(DocumentSummary.class);
  }

  /** Values of the {@code metrics} topic. */
  public static SingleObjectSerde<WindowMetrics> windowMetrics() {
    return new SingleObjectSerde<>(WindowMetrics.class);
  }

  /** Values of the {@code dlq} topic. */
  public static SingleObjectSerde<DeadLetter> deadLetter() {
    return new SingleObjectSerde<>(DeadLetter.class);
  }
}
