package io.longstream.app.input;

import io.longstream.schemas.Document;

/** What the input classifier made of one record: a document to analyse, or a rejection with its reason. */
public sealed interface Classification {

  /** A valid document. */
  record Accepted(Document document) implements Classification {}

  /**
   * A refused record.
   *
   * @param reason machine-readable reason
   * @param message detail for people; never contains the document text
   * @param documentId the document id when the value decoded far enough to have one, else null
   */
  record Rejected(RejectReason reason, String message, String documentId) implements Classification {}
}
