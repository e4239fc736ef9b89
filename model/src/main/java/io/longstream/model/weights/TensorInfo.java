package io.longstream.model.weights;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * What a checkpoint says about one tensor, before it is loaded.
 *
 * @param name the tensor's key, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype the stored element type
 * @param shape the stored shape; {@code ()} for a scalar
 */
public record TensorInfo(String name, TensorDtype dtype, Shape shape) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
  }

  /** Number of elements (1 for a scalar). */
  public long elementCount() {
    return shape.size();
  }

  /** Bytes the tensor occupies in the file. */
  public long storedBytes() {
    return elementCount() * dtype.byteSize();
  }
}
