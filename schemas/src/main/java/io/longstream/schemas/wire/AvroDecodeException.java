package io.longstream.schemas.wire;

/** A value that could not be decoded as an Avro single-object record, with the reason as a {@link Kind}. */
public final class AvroDecodeException extends Exception {

  /** Why decoding failed. */
  public enum Kind {
    /** The value does not start with the single-object marker {@code C3 01} followed by a fingerprint. */
    NOT_SINGLE_OBJECT,
    /** The writer-schema fingerprint is neither the current schema nor one kept in the schema history. */
    UNKNOWN_FINGERPRINT,
    /** Header and fingerprint are fine but the body is truncated, has trailing bytes or is not valid Avro. */
    CORRUPT
  }

  private final Kind kind;

  AvroDecodeException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** Why decoding failed. */
  public Kind kind() {
    return kind;
  }
}
