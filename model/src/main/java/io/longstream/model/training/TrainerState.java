package io.longstream.model.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Everything besides tensors that a resumed run needs to continue exactly where the saved one stood:
 * {@code trainer_state.json} next to the weights and {@code optimizer.safetensors}.
 *
 * @param step optimizer steps done
 * @param samplerState state of the batch sampler's generator after those steps
 * @param tokensSeen training tokens consumed
 * @param trainingSeconds wall time spent in training steps so far (across resumes)
 * @param lossSinceEvaluation sum of the step losses since the last evaluation
 * @param stepsSinceEvaluation steps since the last evaluation
 * @param settings the recipe
 * @param evaluations every evaluation so far
 */
record TrainerState(
    int step,
    long samplerState,
    long tokensSeen,
    double trainingSeconds,
    double lossSinceEvaluation,
    int stepsSinceEvaluation,
    TrainingSettings settings,
    List<TrainingListener.Evaluation> evaluations) {

  static final String FILE = "trainer_state.json";

  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  void write(Path dir) {
    try {
      Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  static TrainerState read(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a training checkpoint (no " + FILE + "): " + dir);
    }
    return JSON.readValue(file.toFile(), TrainerState.class);
  }
}
