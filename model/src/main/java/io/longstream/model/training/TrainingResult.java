package io.longstream.model.training;

import java.nio.file.Path;
import java.util.List;

/**
 * What a finished run reports.
 *
 * @param directory the final checkpoint
 * @param steps steps done in total
 * @param parameters trainable parameters
 * @param evaluations every evaluation, the first on the initial model
 * @param tokensPerSecond training tokens per second over the whole run (steps only, not evaluations)
 * @param trainingSeconds wall time of the training steps (across resumes)
 */
public record TrainingResult(
    Path directory, int steps, long parameters, List<TrainingListener.Evaluation> evaluations, double tokensPerSecond,
    double trainingSeconds) {

  public TrainingListener.Evaluation first() {
    return evaluations.get(0);
  }

  public TrainingListener.Evaluation last() {
    return evaluations.get(evaluations.size() - 1);
  }
}
