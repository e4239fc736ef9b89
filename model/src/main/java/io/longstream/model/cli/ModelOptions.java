package io.longstream.model.cli;

import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.engine.ThreadPlan;
import io.longstream.model.streaming.StreamingEngine;
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

  /**
   * Loads the model for streaming, its threads spent as intra-op threads or pipeline stages ({@link
   * ThreadPlan}); {@code stages} as given by {@link StagesOption}.
   */
  public StreamingEngine loadStreaming(int stages) {
    EngineOptions options = engine.engineOptions();
    ThreadPlan plan = ThreadPlan.of(options, stages, 1);
    LanguageModel lm = LanguageModel.load(model, options.withThreads(plan.intraOpThreads()));
    return new StreamingEngine(lm, plan.stages());
  }
}
