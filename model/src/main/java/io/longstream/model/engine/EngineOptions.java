package io.longstream.model.engine;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/**
 * Where and how a model runs.
 *
 * @param device DJL device name: {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param dtype compute dtype: {@code float32} (CPU and GPU) or {@code float16} (GPU only)
 * @param threads intra-op threads for libtorch, or 0 to keep DJL's default
 */
public record EngineOptions(String device, String dtype, int threads) {

  public EngineOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be ≥ 0, got " + threads);
    }
    resolveDevice(device);
    resolveDataType(dtype, resolveDevice(device));
  }

  /** The same options with another number of intra-op threads. */
  public EngineOptions withThreads(int intraOpThreads) {
    return new EngineOptions(device, dtype, intraOpThreads);
  }

  public static EngineOptions cpu() {
    return new EngineOptions("cpu", "float32", 0);
  }

  public Device resolvedDevice() {
    return resolveDevice(device);
  }

  public DataType resolvedDataType() {
    return resolveDataType(dtype, resolvedDevice());
  }

  private static Device resolveDevice(String name) {
    try {
      return Device.fromName(name == null ? "cpu" : name.toLowerCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unknown device '" + name + "' (use cpu, gpu or gpu:N)", e);
    }
  }

  private static DataType resolveDataType(String name, Device device) {
    String key = name == null ? "float32" : name.toLowerCase(Locale.ROOT);
    switch (key) {
      case "float32", "fp32" -> {
        return DataType.FLOAT32;
      }
      case "float16", "fp16", "half" -> {
        if (!device.isGpu()) {
          throw new IllegalArgumentException("dtype float16 needs a GPU device; use float32 on CPU");
        }
        return DataType.FLOAT16;
      }
      case "bfloat16", "bf16" ->
          throw new IllegalArgumentException(
              "dtype bfloat16 is not supported: DJL 0.35's PyTorch binding aborts the JVM on bf16 tensors; use float16 on GPU");
      default -> throw new IllegalArgumentException("unknown dtype '" + name + "' (use float32 or float16)");
    }
  }
}
