package io.longstream.model.training;

/**
 * Linear warm-up then cosine decay (as nanoGPT and transformers' {@code get_cosine_schedule_with_warmup}
 * with a floor): step s (0-based) of S uses
 *
 * <pre>
 *   lr(s) = peak · (s + 1) / W                                   for s &lt; W
 *   lr(s) = floor + ½ (peak − floor) (1 + cos(π (s − W) / (S − W)))  otherwise
 * </pre>
 *
 * @param peak learning rate at the end of warm-up
 * @param floor learning rate the cosine decays to at step S
 * @param warmupSteps W
 * @param totalSteps S
 */
public record LearningRateSchedule(double peak, double floor, int warmupSteps, int totalSteps) {

  public LearningRateSchedule {
    if (!(peak > 0) || floor < 0 || floor > peak) {
      throw new IllegalArgumentException("need 0 ≤ min lr ≤ lr and lr > 0, got " + floor + " and " + peak);
    }
    if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException("need 0 ≤ warm-up ≤ steps and steps > 0, got " + warmupSteps + " and " + totalSteps);
    }
  }

  /** The learning rate of 0-based step {@code step}. */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    double progress = totalSteps == warmupSteps ? 1.0 : (double) (step - warmupSteps) / (totalSteps - warmupSteps);
    return floor + 0.5 * (peak - floor) * (1.0 + StrictMath.cos(Math.PI * Math.min(1.0, progress)));
  }
}
