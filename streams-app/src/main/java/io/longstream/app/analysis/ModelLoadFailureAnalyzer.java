package io.longstream.app.analysis;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link ModelLoadException} into Boot's short "APPLICATION FAILED TO START" report (what is wrong,
 * what to do) instead of a page of stack trace: a corrupt model is an operator's problem, not a bug.
 * Registered in META-INF/spring.factories.
 */
final class ModelLoadFailureAnalyzer extends AbstractFailureAnalyzer<ModelLoadException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ModelLoadException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Point longstream.model.path at a checkpoint directory whose config.json, safetensors weights and"
            + " tokenizer.json belong together and are complete, or leave it empty for the bundled model.",
        cause);
  }
}
