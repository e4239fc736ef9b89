package io.longstream.model.cli;

import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a model. */
public final class ModelOptions {

  @Option(names = "--model", required = true, description = "checkpoint directory (Hugging Face layout)")
  Path model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--dtype", defaultValue = "float32", description = "float32, or float16 on GPU (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--threads", defaultValue = "0", description = "libtorch intra-op threads; 0 = default")
  int threads;

  public LanguageModel load() {
    return LanguageModel.load(model, new EngineOptions(device, dtype, threads));
  }
}
