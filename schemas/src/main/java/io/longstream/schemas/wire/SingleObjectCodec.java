package io.longstream.schemas.wire;

import io.longstream.schemas.wire.AvroDecodeException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one generated record type: {@code C3 01}, the 8-byte little-endian CRC-64-AVRO
 * fingerprint of the writer schema, then the binary body. Needs no registry: the decoder knows the current
 * schema and every version in {@link SchemaHistory}, and resolves older writers to the current reader.
 *
 * <p>Decoding is strict (unlike {@code BinaryMessageDecoder}, which ignores trailing bytes): the body must be
 * consumed exactly, so truncated and padded values are both reported as {@link Kind#CORRUPT}. Thread-safe.
 *
 * @param <T> the generated record class
 */
public final class SingleObjectCodec<T extends SpecificRecord> {

  /** Length of the single-object header: 2 marker bytes + 8 fingerprint bytes. */
  public static final int HEADER_LENGTH = 10;

  private static final byte MARKER_0 = (byte) 0xC3;
  private static final byte MARKER_1 = (byte) 0x01;

  private final SpecificData model;
  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final Map<Long, Schema> writers;

  private SingleObjectCodec(Class<T> type) {
    AvroClassTrust.install();
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.writers = knownWriters(schema);
  }

  private static Map<Long, Schema> knownWriters(Schema current) {
    Map<Long, Schema> writers = new LinkedHashMap<>();
    for (Schema old : SchemaHistory.versions(current.getName())) {
      writers.put(SchemaNormalization.parsingFingerprint64(old), old);
    }
    writers.put(SchemaNormalization.parsingFingerprint64(current), current);
    return Map.copyOf(writers);
  }

  /** A codec for the generated class {@code type}, knowing its schema history. */
  public static <T extends SpecificRecord> SingleObjectCodec<T> of(Class<T> type) {
    return new SingleObjectCodec<>(type);
  }

  /** True when {@code bytes} starts with the single-object marker and is long enough to hold a header. */
  public static boolean hasSingleObjectHeader(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_LENGTH && bytes[0] == MARKER_0 && bytes[1] == MARKER_1;
  }

  /** The current (reader) schema. */
  public Schema schema() {
    return schema;
  }

  /** CRC-64-AVRO fingerprint of the current schema, as written in headers. */
  public long fingerprint() {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** Encodes {@code record} with the current schema. */
  public byte[] encode(T record) {
    try {
      return encoder.encode(record).array();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + schema.getName(), e);
    }
  }

  /** Decodes a single-object value, resolving an older writer schema to the current one. */
  public T decode(byte[] bytes) throws AvroDecodeException {
    if (!hasSingleObjectHeader(bytes)) {
      throw new AvroDecodeException(Kind.NOT_SINGLE_OBJECT, "no Avro single-object header", null);
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = writers.get(fingerprint);
    if (writer == null) {
      throw new AvroDecodeException(
          Kind.UNKNOWN_FINGERPRINT,
          String.format("unknown %s schema fingerprint %016x", schema.getName(), fingerprint),
          null);
    }
    return decodeBody(bytes, writer);
  }

  private T decodeBody(byte[] bytes, Schema writer) throws AvroDecodeException {
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
    try {
      T record = new SpecificDatumReader<T>(writer, schema, model).read(null, in);
      if (!in.isEnd()) {
        throw new AvroDecodeException(Kind.CORRUPT, "trailing bytes after the Avro body", null);
      }
      return record;
    } catch (IOException | RuntimeException e) {
      // Truncation surfaces as EOFException; garbage as AvroRuntimeException, negative lengths, limits...
      throw new AvroDecodeException(Kind.CORRUPT, "corrupt Avro body: " + e.getClass().getSimpleName(), e);
    }
  }
}
