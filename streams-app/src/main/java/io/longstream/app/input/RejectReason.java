package io.longstream.app.input;

/** Machine-readable reason an input record went to the DLQ; written as {@code DeadLetter.reason}. */
public enum RejectReason {
  /** The value is neither Avro single-object (header C3 01) nor valid UTF-8. */
  NOT_AVRO_OR_UTF8,
  /** Avro single-object value whose writer-schema fingerprint is not a known Document schema. */
  UNKNOWN_SCHEMA_FINGERPRINT,
  /** Avro single-object value whose body is truncated, padded or otherwise not a valid Document. */
  CORRUPT_AVRO,
  /** Null value, or text that is empty or only whitespace. */
  EMPTY_TEXT,
  /** Plain-text value without a key (the key is its document id), or an Avro Document with a blank id. */
  MISSING_KEY,
  /** Value larger than longstream.limits.max-document-bytes. */
  TOO_MANY_BYTES,
  /** Text containing NUL or another control character other than \n, \r and \t. */
  CONTROL_CHARACTERS,
  /** Document longer than longstream.limits.max-tokens after tokenization. */
  TOO_MANY_TOKENS,
  /** The engine refused this particular document (e.g. its tokenizer failed on it). */
  ANALYSIS_FAILED
}
