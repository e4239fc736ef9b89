package io.longstream.model.training;

/**
 * The optimisation recipe of one training run; the model's shape (and so the training context) is in
 * {@link ModelShape}. Built with {@link #builder()}, validated in {@link Builder#build()}. Saved in every
 * checkpoint's {@code trainer_state.json} so a resumed run continues the same recipe.
 *
 * @param steps optimizer steps in the whole run
 * @param batchSize sequences per step (B)
 * @param learningRate peak learning rate, reached at the end of warm-up
 * @param minLearningRate learning rate the cosine decays to at the last step
 * @param warmupSteps linear warm-up steps
 * @param weightDecay decoupled weight decay λ of AdamW (matrices only)
 * @param beta1 AdamW β₁
 * @param beta2 AdamW β₂
 * @param epsilon AdamW ε
 * @param clipNorm maximum global L2 norm of the gradients (0: no clipping)
 * @param seed seeds the initial weights and the batch sampler
 * @param evalEvery steps between evaluations on the held-out split (and one before the first step)
 * @param evalBatches batches of B windows per evaluation
 * @param checkpointEvery steps between checkpoints under {@code out/checkpoint-STEP} (0: only the final one)
 */
public record TrainingSettings(
    int steps,
    int batchSize,
    double learningRate,
    double minLearningRate,
    int warmupSteps,
    double weightDecay,
    double beta1,
    double beta2,
    double epsilon,
    double clipNorm,
    long seed,
    int evalEvery,
    int evalBatches,
    int checkpointEvery) {

  public static Builder builder() {
    return new Builder();
  }

  /** The learning-rate schedule of this recipe. */
  public LearningRateSchedule schedule() {
    return new LearningRateSchedule(learningRate, minLearningRate, warmupSteps, steps);
  }

  AdamW.Settings adamW() {
    return new AdamW.Settings(beta1, beta2, epsilon, weightDecay);
  }

  /** Defaults: nanoGPT's small-model recipe (lr 1e-3 → 1e-4, β₂ 0.99, λ 0.1, clip 1.0). */
  public static final class Builder {
    private int steps = 1000;
    private int batchSize = 16;
    private double learningRate = 1e-3;
    private Double minLearningRate;
    private Integer warmupSteps;
    private double weightDecay = 0.1;
    private double beta1 = 0.9;
    private double beta2 = 0.99;
    private double epsilon = 1e-8;
    private double clipNorm = 1.0;
    private long seed = 1234;
    private int evalEvery = 100;
    private int evalBatches = 8;
    private int checkpointEvery = 0;

    public Builder steps(int v) { steps = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    /** Default: learning rate / 10. */
    public Builder minLearningRate(double v) { minLearningRate = v; return this; }
    /** Default: 5% of the steps, at most 200. */
    public Builder warmupSteps(int v) { warmupSteps = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
    public Builder epsilon(double v) { epsilon = v; return this; }
    public Builder clipNorm(double v) { clipNorm = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder evalEvery(int v) { evalEvery = v; return this; }
    public Builder evalBatches(int v) { evalBatches = v; return this; }
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }

    /** @throws IllegalArgumentException naming the first invalid setting */
    public TrainingSettings build() {
      require(steps > 0, "steps must be > 0");
      require(batchSize > 0, "batch size must be > 0");
      require(evalEvery > 0, "eval-every must be > 0");
      require(evalBatches > 0, "eval batches must be > 0");
      require(checkpointEvery >= 0, "checkpoint-every must be ≥ 0");
      require(clipNorm >= 0, "clip norm must be ≥ 0");
      int warmup = warmupSteps != null ? warmupSteps : Math.min(200, steps / 20);
      double floor = minLearningRate != null ? minLearningRate : learningRate / 10;
      TrainingSettings settings = new TrainingSettings(
          steps, batchSize, learningRate, floor, warmup, weightDecay, beta1, beta2, epsilon, clipNorm, seed,
          evalEvery, evalBatches, checkpointEvery);
      settings.schedule();
      settings.adamW();
      return settings;
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
