package io.longstream.app.analysis;

import io.longstream.app.input.RejectReason;

/** A document the engine (or the token limit) refuses; it goes to the DLQ with {@link #reason()}. */
public final class DocumentRejectedException extends Exception {

  private final RejectReason reason;

  /** A rejection; {@code message} must not contain the document text. */
  public DocumentRejectedException(RejectReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The reason code written to the DLQ. */
  public RejectReason reason() {
    return reason;
  }
}
