package io.longstream.model.weights;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The safetensors element types longstream reads, by their header name ({@code "F32"}...), with the
 * size of one stored element and the DJL type an array has once loaded.
 *
 * <p>BF16 loads as {@link DataType#FLOAT32}: DJL 0.35 aborts the JVM on any bfloat16 array, so the
 * reader widens BF16 in Java, which is exact (a bfloat16 is the top half of a float32).
 */
public enum TensorDtype {
  F32(4, DataType.FLOAT32),
  F16(2, DataType.FLOAT16),
  BF16(2, DataType.FLOAT32),
  I32(4, DataType.INT32),
  I64(8, DataType.INT64);

  private final int byteSize;
  private final DataType loadedType;

  TensorDtype(int byteSize, DataType loadedType) {
    this.byteSize = byteSize;
    this.loadedType = loadedType;
  }

  /** Bytes per stored element. */
  public int byteSize() {
    return byteSize;
  }

  /** The DJL type of a loaded array: the stored type, except BF16 which widens to FLOAT32. */
  public DataType loadedType() {
    return loadedType;
  }

  /** Whether the stored bytes are usable as they are by DJL (everything but BF16). */
  boolean isNativeToDjl() {
    return this != BF16;
  }

  /**
   * The type named {@code name} in a safetensors header.
   *
   * @throws IllegalArgumentException naming the supported types when {@code name} is not one
   */
  public static TensorDtype fromHeaderName(String name) {
    for (TensorDtype dtype : values()) {
      if (dtype.name().equals(name)) {
        return dtype;
      }
    }
    throw new IllegalArgumentException(
        "unsupported dtype '" + name + "' (supported: " + supportedNames() + ")");
  }

  static String supportedNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
