package io.longstream.app.cli;

import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Avro records as plain JSON, the way people read them: unions unwrapped (no {"string": ...} wrappers),
 * bytes in base64, timestamps in ISO-8601, and NaN/infinite floats as strings since JSON has no such numbers.
 */
final class AvroJson {

  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  static String toJson(Object value) {
    return MAPPER.writeValueAsString(node(value));
  }

  static String error(String topic, int partition, long offset, String message) {
    ObjectNode node = NODES.objectNode();
    node.put("error", message).put("topic", topic).put("partition", partition).put("offset", offset);
    return MAPPER.writeValueAsString(node);
  }

  static JsonNode node(Object value) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof IndexedRecord record) {
      return record(record);
    } else if (value instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(node(item)));
      return array;
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((k, v) -> object.set(String.valueOf(k), node(v)));
      return object;
    }
    return scalar(value);
  }

  private static JsonNode record(IndexedRecord record) {
    ObjectNode object = NODES.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      object.set(field.name(), node(record.get(field.pos())));
    }
    return object;
  }

  private static JsonNode scalar(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d) ? NODES.numberNode(d) : NODES.stringNode(d.toString());
    } else if (value instanceof Float f) {
      return Float.isFinite(f) ? NODES.numberNode(f) : NODES.stringNode(f.toString());
    } else if (value instanceof Number n) {
      return NODES.numberNode(n.longValue());
    } else if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (value instanceof ByteBuffer bytes) {
      return NODES.stringNode(Base64.getEncoder().encodeToString(toArray(bytes)));
    } else if (value instanceof TemporalAccessor time) {
      return NODES.stringNode(time.toString());
    }
    return NODES.stringNode(value.toString());
  }

  private static byte[] toArray(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] bytes = new byte[copy.remaining()];
    copy.get(bytes);
    return bytes;
  }
}
