package io.longstream.model.cli;

import io.longstream.model.engine.LanguageModel;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by every command that loads one model. */
public final class ModelOptions {

  @Option(names = "--model", required = true, description = "checkpoint directory (Hugging Face layout)")
  Path model;

  @Mixin EngineOptionsMixin engine;

  public LanguageModel load() {
    return LanguageModel.load(model, engine.engineOptions());
  }
}
