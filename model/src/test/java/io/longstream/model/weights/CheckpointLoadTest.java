package io.longstream.model.weights;

import static io.longstream.model.weights.TestFiles.bf16;
import static io.longstream.model.weights.TestFiles.f16;
import static io.longstream.model.weights.TestFiles.f32;
import static io.longstream.model.weights.TestFiles.i32;
import static io.longstream.model.weights.TestFiles.i64;
import static io.longstream.model.weights.TestFiles.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Float16Utils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading through the PyTorch engine: values, dtypes, layouts and memory ownership. */
class CheckpointLoadTest {

  @TempDir Path dir;
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  private Path single(SafetensorsWriter writer) throws IOException {
    writer.write(dir.resolve(Checkpoint.SINGLE_FILE));
    return dir;
  }

  private static float[] randomFloats(int n, long seed) {
    Random random = new Random(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }

  @Test
  void shouldRoundTripF32ZeroCopyWithShapeAndValues() throws IOException {
    float[] values = randomFloats(12, 1);
    Path model =
        single(new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(3, 4), f32(values)));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      NDArray w = checkpoint.load("w", manager, new Shape(3, 4));
      assertThat(w.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(w.getShape()).isEqualTo(new Shape(3, 4));
      assertThat(w.toFloatArray()).containsExactly(values);
    }
  }

  @Test
  void shouldRoundTripF16Bits() throws IOException {
    short[] halves = {0x3C00, (short) 0xC000, 0x3800, 0x7BFF, 0x0400, 0x0001};
    Path model =
        single(new SafetensorsWriter().add("h", TensorDtype.F16, new Shape(2, 3), f16(halves)));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      NDArray h = checkpoint.load("h", manager);
      assertThat(h.getDataType()).isEqualTo(DataType.FLOAT16);
      float[] expected = new float[halves.length];
      for (int i = 0; i < halves.length; i++) {
        expected[i] = Float16Utils.halfToFloat(halves[i]);
      }
      assertThat(h.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(expected);
    }
  }

  @Test
  void shouldWidenBf16ToF32Exactly() throws IOException {
    float[] values = {
      1f,
      -2.5f,
      0f,
      -0f,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      Float.intBitsToFloat(0x00010000),
      Float.intBitsToFloat(0x7F7F0000),
      Float.intBitsToFloat(0x7FC00000)
    };
    float[] random = randomFloats(1000, 2);
    Path model =
        single(
            new SafetensorsWriter()
                .add("specials", TensorDtype.BF16, new Shape(values.length), bf16(values))
                .add("random", TensorDtype.BF16, new Shape(10, 100), bf16(random)));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      assertThat(checkpoint.info("random").dtype()).isEqualTo(TensorDtype.BF16);
      NDArray specials = checkpoint.load("specials", manager);
      assertThat(specials.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(bits(specials.toFloatArray())).containsExactly(bits(values));
      NDArray loaded = checkpoint.load("random", manager, new Shape(10, 100));
      assertThat(bits(loaded.toFloatArray())).containsExactly(truncatedToBf16(random));
    }
  }

  @Test
  void shouldRoundTripIntegerTensors() throws IOException {
    Path model =
        single(
            new SafetensorsWriter()
                .add("ids", TensorDtype.I64, new Shape(3), i64(Long.MIN_VALUE, 0, 1L << 40))
                .add("q", TensorDtype.I32, new Shape(2), i32(-7, Integer.MAX_VALUE)));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      assertThat(checkpoint.load("ids", manager).toLongArray())
          .containsExactly(Long.MIN_VALUE, 0, 1L << 40);
      assertThat(checkpoint.load("q", manager).toIntArray()).containsExactly(-7, Integer.MAX_VALUE);
    }
  }

  @Test
  void shouldLoadScalarsAndEmptyTensors() throws IOException {
    Path model =
        single(
            new SafetensorsWriter()
                .add("scale", TensorDtype.F32, new Shape(), f32(0.125f))
                .add("none", TensorDtype.F32, new Shape(0, 4), f32())
                .add("none16", TensorDtype.BF16, new Shape(0), bf16()));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      NDArray scale = checkpoint.load("scale", manager);
      assertThat(scale.getShape()).isEqualTo(new Shape());
      assertThat(scale.getFloat()).isEqualTo(0.125f);
      assertThat(checkpoint.load("none", manager).getShape()).isEqualTo(new Shape(0, 4));
      assertThat(checkpoint.load("none16", manager).getDataType()).isEqualTo(DataType.FLOAT32);
    }
  }

  @Test
  void shouldCopyMisalignedTensorsIntoOwnedMemory() throws IOException {
    // An F16 of 1 element leaves the F32 after it at data offset 2: not 4-byte aligned.
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[2,10]}}  ";
    ByteBuffer data = ByteBuffer.allocate(10).put(f16((short) 0x3C00)).put(f32(3f, -4f));
    raw(dir.resolve(Checkpoint.SINGLE_FILE), header, data.array());
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertThat(checkpoint.load("w", manager).toFloatArray()).containsExactly(3f, -4f);
    }
  }

  @Test
  void shouldCopyTensorsAboveTheMapLimitInPieces() throws IOException {
    float[] values = randomFloats(1001, 3);
    Path file = dir.resolve("big.safetensors");
    new SafetensorsWriter()
        .add("w", TensorDtype.F32, new Shape(7, 143), f32(values))
        .add("b", TensorDtype.BF16, new Shape(1001), bf16(values))
        .write(file);
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      SafetensorsFile small = st.withSizeLimit(400); // 100 floats per piece, 11 pieces
      NDArray w = small.load("w", manager);
      assertThat(w.getShape()).isEqualTo(new Shape(7, 143));
      assertThat(w.toFloatArray()).containsExactly(values);
      assertThat(bits(small.load("b", manager).toFloatArray()))
          .containsExactly(truncatedToBf16(values));
    }
  }

  @Test
  void shouldLoadShardedCheckpointThroughItsIndex() throws IOException {
    float[] a = randomFloats(6, 4);
    float[] b = randomFloats(4, 5);
    new SafetensorsWriter()
        .add("layer.0.w", TensorDtype.F32, new Shape(2, 3), f32(a))
        .write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter()
        .add("layer.1.w", TensorDtype.BF16, new Shape(4), bf16(b))
        .add("unlisted", TensorDtype.F32, new Shape(1), f32(9f))
        .write(dir.resolve("model-00002-of-00002.safetensors"));
    writeIndex(
        "{\"metadata\":{\"total_size\":32},\"weight_map\":{"
            + "\"layer.0.w\":\"model-00001-of-00002.safetensors\","
            + "\"layer.1.w\":\"model-00002-of-00002.safetensors\"}}");
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertThat(checkpoint.tensorNames()).containsExactly("layer.0.w", "layer.1.w");
      assertThat(checkpoint.contains("unlisted")).isFalse();
      assertThat(checkpoint.info("layer.1.w").dtype()).isEqualTo(TensorDtype.BF16);
      assertThat(checkpoint.load("layer.0.w", manager).toFloatArray()).containsExactly(a);
      assertThat(bits(checkpoint.load("layer.1.w", manager).toFloatArray()))
          .containsExactly(truncatedToBf16(b));
    }
  }

  @Test
  void shouldRejectIndexEntryMissingFromItsShard() throws IOException {
    new SafetensorsWriter()
        .add("a", TensorDtype.F32, new Shape(1), f32(1f))
        .write(dir.resolve("model-00001-of-00001.safetensors"));
    writeIndex(
        "{\"weight_map\":{\"a\":\"model-00001-of-00001.safetensors\","
            + "\"model.norm.weight\":\"model-00001-of-00001.safetensors\"}}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("model-00001-of-00001.safetensors")
        .hasMessageContaining("tensor 'model.norm.weight'");
  }

  @Test
  void shouldRejectMissingShardFile() throws IOException {
    writeIndex("{\"weight_map\":{\"a\":\"model-00001-of-00002.safetensors\"}}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("cannot open")
        .hasMessageContaining("model-00001-of-00002.safetensors");
  }

  @Test
  void shouldRejectShardOutsideTheDirectory() throws IOException {
    writeIndex("{\"weight_map\":{\"a\":\"../elsewhere.safetensors\"}}");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(Checkpoint.INDEX_FILE)
        .hasMessageContaining("is not a file in");
  }

  @Test
  void shouldRejectIndexThatIsNotJson() throws IOException {
    writeIndex("{\"weight_map\":");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(Checkpoint.INDEX_FILE)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void shouldRejectDirectoryWithoutSafetensors() throws IOException {
    Files.writeString(dir.resolve("pytorch_model.bin"), "pickle");
    assertThatThrownBy(() -> Checkpoint.open(dir))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no model.safetensors or model.safetensors.index.json in " + dir);
  }

  @Test
  void shouldPreferTheSingleFileOverAnIndex() throws IOException {
    single(new SafetensorsWriter().add("a", TensorDtype.F32, new Shape(1), f32(1f)));
    writeIndex("{\"weight_map\":{\"b\":\"model-00001-of-00001.safetensors\"}}");
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertThat(checkpoint.tensorNames()).containsExactly("a");
    }
  }

  @Test
  void shouldNameTensorAndBothShapesOnShapeMismatch() throws IOException {
    Path model =
        single(
            new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(2, 3), f32(new float[6])));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      assertThatThrownBy(() -> checkpoint.load("w", manager, new Shape(3, 2)))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("tensor 'w' has shape (2, 3), expected (3, 2)");
      assertThat(manager.getManagedArrays()).isEmpty();
    }
  }

  @Test
  void shouldNameTheMissingTensor() throws IOException {
    Path model = single(new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(1), f32(1f)));
    try (Checkpoint checkpoint = Checkpoint.open(model)) {
      assertThat(checkpoint.contains("lm_head.weight")).isFalse();
      assertThatThrownBy(() -> checkpoint.load("lm_head.weight", manager))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining("no tensor named 'lm_head.weight'");
    }
  }

  @Test
  void shouldRefuseToLoadAfterClose() throws IOException {
    Path model = single(new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(1), f32(1f)));
    Checkpoint checkpoint = Checkpoint.open(model);
    checkpoint.close();
    assertThatThrownBy(() -> checkpoint.load("w", manager))
        .isInstanceOf(IllegalStateException.class);
  }

  private void writeIndex(String json) throws IOException {
    Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), json);
  }

  static int[] bits(float[] values) {
    int[] bits = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Float.floatToRawIntBits(values[i]);
    }
    return bits;
  }

  static int[] truncatedToBf16(float[] values) {
    int[] bits = bits(values);
    for (int i = 0; i < bits.length; i++) {
      bits[i] &= 0xFFFF0000;
    }
    return bits;
  }
}
