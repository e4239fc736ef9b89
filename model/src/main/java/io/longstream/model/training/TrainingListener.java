package io.longstream.model.training;

import java.nio.file.Path;

/** Receives a training run's progress (the CLI draws a progress bar; tests record). Called on the training thread. */
public interface TrainingListener {

  /** Nothing is reported. */
  TrainingListener NONE = new TrainingListener() {};

  /**
   * One optimizer step done.
   *
   * @param step steps done so far (1-based: the first step reports 1)
   * @param loss mean cross-entropy (nats per token) of the step's batch, before the update
   * @param learningRate the rate the update used
   * @param gradientNorm global L2 norm of the gradients before clipping
   * @param tokensPerSecond training tokens per second of this step
   */
  record Step(int step, int totalSteps, double loss, double learningRate, double gradientNorm, double tokensPerSecond) {}

  /**
   * An evaluation on the held-out split.
   *
   * @param step steps done when evaluated (0: the initial model)
   * @param trainLoss mean training loss of the steps since the previous evaluation (NaN at step 0)
   * @param evalLoss mean held-out cross-entropy, nats per token
   */
  record Evaluation(int step, double trainLoss, double evalLoss) {}

  default void onStart(int firstStep, int totalSteps, long parameters) {}

  default void onStep(Step step) {}

  default void onEvaluation(Evaluation evaluation) {}

  default void onCheckpoint(int step, Path directory) {}
}
