package io.longstream.model.cli;

import io.longstream.model.engine.EngineOptions;
import picocli.CommandLine.Option;

/** --device, --dtype and --threads: where and how a command runs its models. */
public final class EngineOptionsMixin {

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32, or float16 on GPU (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "CPU threads for the document: libtorch intra-op threads, or for streaming on a CPU the stages of the layer pipeline (see --stages); 0 = all cores")
  int threads;

  public EngineOptions engineOptions() {
    return new EngineOptions(device, dtype, threads);
  }
}
