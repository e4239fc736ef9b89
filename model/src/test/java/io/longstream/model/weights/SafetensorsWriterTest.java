package io.longstream.model.weights;

import static io.longstream.model.weights.TestFiles.bf16;
import static io.longstream.model.weights.TestFiles.f32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The writer produces the Hugging Face layout, readable back and safe to overwrite. */
class SafetensorsWriterTest {

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

  @Test
  void shouldPadTheHeaderWithSpacesAndAlignTensorsByElementSize() throws IOException {
    Path file = dir.resolve("layout.safetensors");
    new SafetensorsWriter()
        .metadata("format", "pt")
        .add("z.half", TensorDtype.BF16, new Shape(3), bf16(1f, 2f, 3f))
        .add("b.ids", TensorDtype.I64, new Shape(1), TestFiles.i64(7))
        .add("a.w", TensorDtype.F32, new Shape(1, 2), f32(1f, 2f))
        .write(file);
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = bytes.getLong();
    assertThat((8 + headerLength) % 8).isZero();
    String header = new String(bytes.array(), 8, (int) headerLength, StandardCharsets.UTF_8);
    assertThat(header.stripTrailing()).endsWith("}");
    assertThat(header.substring(header.stripTrailing().length())).matches(" *");
    JsonNode root = JsonMapper.builder().build().readTree(header);
    List<String> order = new ArrayList<>();
    root.properties().forEach(e -> order.add(e.getKey()));
    assertThat(order).containsExactly("__metadata__", "b.ids", "a.w", "z.half");
    assertThat(root.get("b.ids").get("data_offsets").toString()).isEqualTo("[0,8]");
    assertThat(root.get("a.w").get("data_offsets").toString()).isEqualTo("[8,16]");
    assertThat(root.get("z.half").get("data_offsets").toString()).isEqualTo("[16,22]");
    assertThat(Files.size(file)).isEqualTo(8 + headerLength + 22);
  }

  @Test
  void shouldWriteNdArraysThatReadBackExactly() throws IOException {
    NDArray w = manager.randomNormal(new Shape(5, 7));
    NDArray h = manager.create(new float[] {0.5f, -1f}).toType(DataType.FLOAT16, false);
    NDArray ids = manager.create(new long[] {3, 1, 4});
    new SafetensorsWriter()
        .add("w", w)
        .add("h", h)
        .add("ids", ids)
        .write(dir.resolve(Checkpoint.SINGLE_FILE));
    try (Checkpoint checkpoint = Checkpoint.open(dir)) {
      assertThat(checkpoint.info("w"))
          .isEqualTo(new TensorInfo("w", TensorDtype.F32, new Shape(5, 7)));
      assertThat(checkpoint.load("w", manager).toFloatArray()).containsExactly(w.toFloatArray());
      assertThat(checkpoint.load("h", manager).toType(DataType.FLOAT32, false).toFloatArray())
          .containsExactly(0.5f, -1f);
      assertThat(checkpoint.load("ids", manager).toLongArray()).containsExactly(3, 1, 4);
    }
  }

  @Test
  void shouldReplaceAFileWhoseOldVersionIsStillMapped() throws IOException {
    Path file = dir.resolve(Checkpoint.SINGLE_FILE);
    new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(2), f32(1f, 2f)).write(file);
    try (Checkpoint old = Checkpoint.open(dir)) {
      NDArray before = old.load("w", manager);
      new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(3), f32(7f, 8f, 9f)).write(file);
      assertThat(before.toFloatArray()).containsExactly(1f, 2f);
    }
    try (Checkpoint fresh = Checkpoint.open(dir)) {
      assertThat(fresh.load("w", manager).toFloatArray()).containsExactly(7f, 8f, 9f);
    }
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .containsExactly(Checkpoint.SINGLE_FILE);
    }
  }

  @Test
  void shouldExposeMetadataToTheReader() throws IOException {
    Path file = dir.resolve("meta.safetensors");
    new SafetensorsWriter()
        .metadata("format", "pt")
        .add("w", TensorDtype.F32, new Shape(), f32(1f))
        .write(file);
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThat(st.metadata()).isEqualTo(Map.of("format", "pt"));
    }
  }

  @Test
  void shouldRejectBytesThatDoNotMatchTheShape() {
    assertThatThrownBy(
            () -> new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(3), f32(1f, 2f)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor 'w': F32 (3) needs 12 bytes, got 8");
  }

  @Test
  void shouldRejectDuplicateAndReservedNames() {
    SafetensorsWriter writer =
        new SafetensorsWriter().add("w", TensorDtype.F32, new Shape(), f32(1f));
    assertThatThrownBy(() -> writer.add("w", TensorDtype.F32, new Shape(), f32(2f)))
        .hasMessageContaining("tensor 'w' added twice");
    assertThatThrownBy(() -> writer.add("__metadata__", TensorDtype.F32, new Shape(), f32(2f)))
        .hasMessageContaining("invalid tensor name");
  }

  @Test
  void shouldRejectArraysOfUnwritableTypes() {
    NDArray doubles = manager.create(new double[] {1.0});
    assertThatThrownBy(() -> new SafetensorsWriter().add("d", doubles))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tensor 'd': cannot write float64");
  }
}
