package io.longstream.model.diagnostics;

import io.longstream.model.positional.rope.RopeFrequencies;
import io.longstream.model.positional.rope.RopeScaling;

/**
 * How far a window's positions take RoPE beyond what training showed (the NTK-by-parts criterion of
 * YaRN): with θⱼ the frequencies at the trained context L and θ'ⱼ those in use, a dimension is
 * <em>long-wavelength</em> when 2π/θⱼ > L (it never completed a turn in training), and such a dimension is
 * <em>pushed past training</em> when p_max·θ'ⱼ > (L − 1)·θⱼ, i.e. the window shows it an angle it never saw.
 *
 * @param longWavelengthDims dimensions (pairs) whose wavelength exceeds the trained context
 * @param dimsPastTrainedAngles long-wavelength dimensions whose angle exceeds the largest trained one
 * @param effectiveScale θ_last(trained) / θ'_last(in use): 1 without scaling, the dynamic factor under NTK
 */
public record RotaryExtrapolation(int longWavelengthDims, int dimsPastTrainedAngles, double effectiveScale) {

  /** Evaluates the criterion for a step whose largest position is {@code maxPosition}. */
  public static RotaryExtrapolation of(RopeScaling scaling, long trainedContext, long maxPosition) {
    RopeFrequencies trained = scaling.frequencies(trainedContext);
    RopeFrequencies used = scaling.frequencies(maxPosition + 1);
    double[] theta = trained.inverseFrequencies();
    double[] thetaUsed = used.inverseFrequencies();
    int longDims = 0;
    int past = 0;
    for (int j = 0; j < theta.length; j++) {
      if (2 * Math.PI / theta[j] > trainedContext) {
        longDims++;
        if (maxPosition * thetaUsed[j] > (trainedContext - 1) * theta[j]) {
          past++;
        }
      }
    }
    int last = theta.length - 1;
    double scale = thetaUsed[last] == 0 ? 1.0 : theta[last] / thetaUsed[last];
    return new RotaryExtrapolation(longDims, past, scale);
  }
}
