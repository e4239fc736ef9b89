package io.longstream.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", 2019) exactly as {@code
 * torch.optim.AdamW} computes it, per parameter p with gradient g at step t (1-based):
 *
 * <pre>
 *   p ← p · (1 − lr·λ)                       decoupled decay, matrices only (λ = 0 for norms)
 *   m ← β₁ m + (1 − β₁) g
 *   v ← β₂ v + (1 − β₂) g²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * Written here rather than using DJL's {@code AdamW} because its moments live in private maps: a
 * checkpoint could not save them, and a resumed run would restart them at zero. Updates are in place and
 * must run outside a {@code GradientCollector} (libtorch refuses in-place ops on leaves that require
 * gradients while recording).
 */
final class AdamW {

  /**
   * @param beta1 β₁
   * @param beta2 β₂
   * @param epsilon ε
   * @param weightDecay λ, applied to parameters of rank ≥ 2 (embeddings and projections), as nanoGPT does
   */
  record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
    Settings {
      if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && epsilon > 0 && weightDecay >= 0)) {
        throw new IllegalArgumentException("invalid AdamW settings " + this);
      }
    }
  }

  private final Settings settings;
  private final Map<String, NDArray> parameters;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private long step;

  /** Zero moments for {@code parameters}, allocated on {@code manager}. */
  AdamW(Settings settings, Map<String, NDArray> parameters, NDManager manager) {
    this.settings = settings;
    this.parameters = parameters;
    parameters.forEach((name, p) -> {
      firstMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
      secondMoments.put(name, manager.zeros(p.getShape(), p.getDataType()));
    });
  }

  /** Steps taken so far (t of the last update). */
  long step() {
    return step;
  }

  Map<String, NDArray> firstMoments() {
    return firstMoments;
  }

  Map<String, NDArray> secondMoments() {
    return secondMoments;
  }

  /** Restores saved moments (copied into the existing arrays) and the step count. */
  void restore(long savedStep, Map<String, NDArray> first, Map<String, NDArray> second) {
    firstMoments.forEach((name, m) -> copyInto(m, first.get(name), name));
    secondMoments.forEach((name, v) -> copyInto(v, second.get(name), name));
    this.step = savedStep;
  }

  /** One update of every parameter from its gradient; temporaries belong to the caller's NDScope. */
  void update(double learningRate) {
    step++;
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    double stepSize = learningRate / (1 - Math.pow(b1, step));
    double rootCorrection2 = Math.sqrt(1 - Math.pow(b2, step));
    parameters.forEach((name, p) -> {
      NDArray g = p.getGradient();
      NDArray m = firstMoments.get(name).muli(b1).addi(g.mul(1 - b1));
      NDArray v = secondMoments.get(name).muli(b2).addi(g.square().muli(1 - b2));
      if (settings.weightDecay() > 0 && p.getShape().dimension() >= 2) {
        p.muli(1 - learningRate * settings.weightDecay());
      }
      NDArray denominator = v.sqrt().divi(rootCorrection2).addi(settings.epsilon());
      p.subi(m.div(denominator).muli(stepSize));
    });
  }

  private static void copyInto(NDArray target, NDArray saved, String name) {
    if (saved == null || !saved.getShape().equals(target.getShape())) {
      throw new IllegalArgumentException(
          "optimizer state for '" + name + "' is missing or has shape " + (saved == null ? "none" : saved.getShape())
              + ", expected " + target.getShape());
    }
    target.set(saved.toType(target.getDataType(), false).toFloatArray());
  }
}
