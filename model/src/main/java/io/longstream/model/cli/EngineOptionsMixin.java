package io.longstream.model.cli;

import io.longstream.model.engine.EngineOptions;
import picocli.CommandLine.Option;

/** --device, --dtype and --threads: where and how a command runs its models. */
public final class EngineOptionsMixin {

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32, or float16 on GPU (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--threads", defaultValue = "0", description = "libtorch intra-op threads; 0 = default")
  int threads;

  public EngineOptions engineOptions() {
    return new EngineOptions(device, dtype, threads);
  }
}
