package io.longstream.model.weights;

import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The validated JSON header of a safetensors file.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of JSON, then the data section. The
 * JSON maps each tensor name to {@code {"dtype", "shape", "data_offsets": [begin, end]}}, offsets
 * relative to the data section; the optional {@code __metadata__} entry is a string map. As in the
 * reference implementation, the tensors must tile the data section exactly: no overlap, no gap,
 * nothing after the last one. Everything a lying file could use to reach outside the file is
 * checked here, so that later reads can trust the offsets.
 *
 * @param entries tensors by name, in header order
 * @param metadata the {@code __metadata__} strings, empty when absent
 */
record SafetensorsHeader(Map<String, TensorEntry> entries, Map<String, String> metadata) {

  /** Same bound as the reference implementation: a header is an index, never bulk data. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private static final String METADATA_KEY = "__metadata__";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /**
   * Parses and validates a header.
   *
   * @param json the N header bytes
   * @param dataStart absolute position of the data section ({@code 8 + N})
   * @param dataLength bytes in the data section ({@code fileSize - 8 - N})
   * @throws IllegalArgumentException with a message naming the offending tensor
   */
  static SafetensorsHeader parse(byte[] json, long dataStart, long dataLength) {
    JsonNode root = readJson(json);
    Map<String, TensorEntry> entries = new LinkedHashMap<>();
    Map<String, String> metadata = Map.of();
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      if (field.getKey().equals(METADATA_KEY)) {
        metadata = metadata(field.getValue());
      } else {
        entries.put(field.getKey(), entry(field.getKey(), field.getValue(), dataStart, dataLength));
      }
    }
    checkTiling(entries.values(), dataStart, dataLength);
    return new SafetensorsHeader(
        Collections.unmodifiableMap(entries), Collections.unmodifiableMap(metadata));
  }

  private static JsonNode readJson(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      String start = new String(json, 0, Math.min(json.length, 40), StandardCharsets.UTF_8);
      throw new IllegalArgumentException("header is not a JSON object: " + start);
    }
    return root;
  }

  private static Map<String, String> metadata(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(METADATA_KEY + " must be an object of strings");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (field.getValue().isString()) {
        metadata.put(field.getKey(), field.getValue().asString());
      }
    }
    return metadata;
  }

  private static TensorEntry entry(String name, JsonNode node, long dataStart, long dataLength) {
    try {
      if (!node.isObject()) {
        throw new IllegalArgumentException("entry is not an object");
      }
      TensorInfo info = new TensorInfo(name, dtype(node.get("dtype")), shape(node.get("shape")));
      long[] offsets = longs(node.get("data_offsets"), "data_offsets");
      return located(info, offsets, dataStart, dataLength);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
    }
  }

  private static TensorDtype dtype(JsonNode node) {
    if (node == null || !node.isString()) {
      throw new IllegalArgumentException("dtype missing or not a string");
    }
    return TensorDtype.fromHeaderName(node.asString());
  }

  private static Shape shape(JsonNode node) {
    Shape shape = new Shape(longs(node, "shape"));
    try {
      long count = 1;
      for (long dim : shape.getShape()) {
        count = Math.multiplyExact(count, dim);
      }
      return shape;
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + shape + " has more than 2^63 elements", e);
    }
  }

  /** An array of non-negative integers that fit a long. */
  private static long[] longs(JsonNode node, String field) {
    if (node == null || !node.isArray()) {
      throw new IllegalArgumentException(field + " missing or not an array");
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(i);
      if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
        throw new IllegalArgumentException(
            field + " must hold non-negative integers below 2^63, found " + node);
      }
      values[i] = value.asLong();
    }
    return values;
  }

  private static TensorEntry located(
      TensorInfo info, long[] offsets, long dataStart, long dataLength) {
    if (offsets.length != 2) {
      throw new IllegalArgumentException("data_offsets must be [begin, end]");
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin > end) {
      throw new IllegalArgumentException("data_offsets begin " + begin + " > end " + end);
    }
    if (end > dataLength) {
      throw new IllegalArgumentException(
          "data_offsets end " + end + " is past the data section (" + dataLength + " bytes)");
    }
    long expected = storedBytes(info);
    if (end - begin != expected) {
      throw new IllegalArgumentException(
          String.format(
              "data_offsets [%d, %d] span %d bytes but %s %s needs %d",
              begin, end, end - begin, info.dtype(), info.shape(), expected));
    }
    return new TensorEntry(info, dataStart + begin, end - begin);
  }

  private static long storedBytes(TensorInfo info) {
    try {
      return Math.multiplyExact(info.elementCount(), info.dtype().byteSize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("shape " + info.shape() + " is too large in bytes", e);
    }
  }

  /** The reference reader's rule: tensors cover the data section exactly, in offset order. */
  private static void checkTiling(
      Iterable<TensorEntry> unordered, long dataStart, long dataLength) {
    List<TensorEntry> entries = new ArrayList<>();
    unordered.forEach(entries::add);
    entries.sort(
        Comparator.comparingLong(TensorEntry::position).thenComparingLong(TensorEntry::end));
    long covered = dataStart;
    TensorEntry previous = null;
    for (TensorEntry entry : entries) {
      if (entry.position() != covered) {
        throw new IllegalArgumentException(tilingError(previous, entry, covered));
      }
      covered = entry.end();
      previous = entry;
    }
    if (covered != dataStart + dataLength) {
      throw new IllegalArgumentException(
          (dataStart + dataLength - covered) + " bytes after the last tensor are not indexed");
    }
  }

  private static String tilingError(TensorEntry previous, TensorEntry entry, long covered) {
    String name = "tensor '" + entry.info().name() + "'";
    if (previous == null) {
      long offset = entry.position() - covered;
      return name + " starts at data offset " + offset + ", leaving unindexed bytes before it";
    }
    String other = "tensor '" + previous.info().name() + "'";
    return entry.position() < covered
        ? name + " overlaps " + other
        : name + " leaves a gap of " + (entry.position() - covered) + " bytes after " + other;
  }
}
