package io.longstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW and the schedule against naive double-precision versions of their formulas. */
class AdamWTest {

  @Test
  void shouldMatchTorchAdamWFormulaWithDecoupledDecayOnMatricesOnly() {
    double lr = 0.01;
    AdamW.Settings settings = new AdamW.Settings(0.9, 0.99, 1e-8, 0.1);
    float[] w0 = {0.5f, -1.0f, 2.0f, 0.25f};
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray matrix = manager.create(w0, new Shape(2, 2)).duplicate();
      NDArray vector = manager.create(w0, new Shape(4)).duplicate();
      Map<String, NDArray> params = new LinkedHashMap<>(Map.of("matrix", matrix, "vector", vector));
      AdamW optimizer = new AdamW(settings, params, manager);
      double[][] naive = {toDouble(w0), toDouble(w0)};
      double[][] m = new double[2][4];
      double[][] v = new double[2][4];
      for (int t = 1; t <= 3; t++) {
        // loss = Σ p³ / 3, so g = p²
        for (NDArray p : params.values()) {
          p.setRequiresGradient(true);
        }
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
          collector.backward(matrix.pow(3).sum().add(vector.pow(3).sum()).div(3));
        }
        JniUtils.setGradMode(false);
        optimizer.update(lr);
        params.values().forEach(p -> JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p));
        for (int k = 0; k < 2; k++) {
          double decay = k == 0 ? settings.weightDecay() : 0;
          for (int i = 0; i < 4; i++) {
            double g = naive[k][i] * naive[k][i];
            naive[k][i] *= 1 - lr * decay;
            m[k][i] = 0.9 * m[k][i] + 0.1 * g;
            v[k][i] = 0.99 * v[k][i] + 0.01 * g * g;
            double mHat = m[k][i] / (1 - Math.pow(0.9, t));
            double vHat = v[k][i] / (1 - Math.pow(0.99, t));
            naive[k][i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
          }
        }
      }
      assertClose(matrix.toFloatArray(), naive[0]);
      assertClose(vector.toFloatArray(), naive[1]);
      assertThat(matrix.toFloatArray()).isNotEqualTo(vector.toFloatArray()); // decay touched only the matrix
    }
  }

  @Test
  void shouldWarmUpLinearlyThenDecayByCosineToTheFloor() {
    LearningRateSchedule schedule = new LearningRateSchedule(1e-3, 1e-4, 10, 110);
    assertThat(schedule.at(0)).isCloseTo(1e-4, within(1e-12));
    assertThat(schedule.at(9)).isCloseTo(1e-3, within(1e-12));
    assertThat(schedule.at(10)).isCloseTo(1e-3, within(1e-12));
    assertThat(schedule.at(60)).isCloseTo(5.5e-4, within(1e-12));
    assertThat(schedule.at(110)).isCloseTo(1e-4, within(1e-12));
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static void assertClose(float[] actual, double[] expected) {
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-5));
    }
  }
}
