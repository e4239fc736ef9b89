package io.longstream.model.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** oneDNN's linear with packed weights gives DJL's (MKL's) numbers for the shapes the engine uses. */
class TorchScriptKernelsTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1, 8, 64", "1, 7, 64, 192", "2, 5, 100, 128", "1, 256, 576, 960", "1, 256, 1536, 576", "1, 1, 576, 4096",
    "1, 1024, 64, 64"
  })
  void shouldMatchDjlLinear(int batch, int rows, int in, int out) {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        TorchScriptKernels kernels = TorchScriptKernels.load(manager)) {
      NDArray x = manager.randomNormal(new Shape(batch, rows, in));
      NDArray w = manager.randomNormal(new Shape(out, in));
      NDArray b = manager.randomNormal(new Shape(out));
      TorchScriptKernels.PackedWeight packed = kernels.pack(w);
      assertThat(packed).isNotNull();
      double tolerance = 1e-4 * Math.sqrt(in);
      assertClose(kernels.linear(x, packed, null), Linear.linear(x, w).head(), tolerance);
      assertClose(kernels.linear(x, packed, b), Linear.linear(x, w, b).head(), tolerance);
      // Not contiguous, as attention's merged heads can be.
      NDArray strided = x.transpose(1, 0, 2);
      assertClose(kernels.linear(strided, packed, null), Linear.linear(strided, w).head(), tolerance);
      if (out > 64) { // a slice of rows, as the LM head is packed
        NDArray tail = w.get(new NDIndex("64:"));
        assertClose(kernels.linear(x, kernels.pack(tail), null), Linear.linear(x, tail).head(), tolerance);
      }
    }
  }

  /** libtorch 2.7.1 reads such packed weights wrongly (errors as large as the outputs): they stay plain. */
  @Test
  void shouldNotPackWeightsWhoseOutputsAreNotAMultipleOf64() {
    try (NDManager manager = NDManager.newBaseManager("PyTorch");
        TorchScriptKernels kernels = TorchScriptKernels.load(manager)) {
      for (int out : new int[] {7, 48, 96, 100, 160}) {
        assertThat(kernels.pack(manager.randomNormal(new Shape(out, 64)))).as("out = %d", out).isNull();
      }
    }
  }

  private static void assertClose(NDArray actual, NDArray expected, double tolerance) {
    assertThat(actual.getShape()).isEqualTo(expected.getShape());
    assertThat(actual.sub(expected).abs().max().getFloat()).isLessThanOrEqualTo((float) tolerance);
  }
}
