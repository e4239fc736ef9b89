package io.longstream.model.weights;

/**
 * A checkpoint that longstream cannot read: a truncated or inconsistent safetensors file, a broken
 * shard index, a missing tensor or a tensor of the wrong shape. The message names the file and,
 * where there is one, the tensor.
 */
public final class CheckpointException extends IllegalArgumentException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
