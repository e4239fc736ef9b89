package io.longstream.schemas.wire;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated record type in Avro single-object encoding ({@link SingleObjectCodec}). A
 * {@code null} value (tombstone) maps to {@code null} both ways; undecodable bytes throw {@link
 * SerializationException}. It lives in this module, next to the schemas, so that any Kafka client (the CLI,
 * tests, a user's consumer) can read longstream's topics without the service or Spring on its classpath.
 *
 * @param <T> the generated record class
 */
public final class SingleObjectSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final SingleObjectCodec<T> codec;

  /** A serde for the generated class {@code type}. */
  public SingleObjectSerde(Class<T> type) {
    this.codec = SingleObjectCodec.of(type);
  }

  /** The codec behind this serde. */
  public SingleObjectCodec<T> codec() {
    return codec;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    return record == null ? null : codec.encode(record);
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null) {
      return null;
    }
    try {
      return codec.decode(bytes);
    } catch (AvroDecodeException e) {
      throw new SerializationException(e.kind() + " on topic " + topic + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // Nothing to configure: the schema comes from the generated class, no registry.
  }

  @Override
  public void close() {
    // Holds no resources.
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }
}
