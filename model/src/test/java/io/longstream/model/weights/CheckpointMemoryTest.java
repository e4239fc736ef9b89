package io.longstream.model.weights;

import static io.longstream.model.weights.TestFiles.bf16;
import static io.longstream.model.weights.TestFiles.f32;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who owns the memory of a loaded array, and that it is given back. */
class CheckpointMemoryTest {

  @TempDir Path dir;
  private NDManager root;

  @BeforeEach
  void openManager() {
    root = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    root.close();
  }

  private Checkpoint checkpointOf(float[] values, Shape shape) throws IOException {
    new SafetensorsWriter()
        .add("w", TensorDtype.F32, shape, f32(values))
        .add("b", TensorDtype.BF16, shape, bf16(values))
        .write(dir.resolve(Checkpoint.SINGLE_FILE));
    return Checkpoint.open(dir);
  }

  /** 0, 1, ..., 255, 0, 1, ...: exact in bfloat16, which has 8 significant bits. */
  private static float[] ramp(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i % 256;
    }
    return values;
  }

  /** Gives the GC every chance to unmap a buffer nothing holds any more. */
  private static void collectGarbage() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
    }
  }

  @Test
  void shouldServeF32FromOneSharedMappingAndBf16FromOwnedCopies() throws IOException {
    try (Checkpoint checkpoint = checkpointOf(ramp(4), new Shape(4))) {
      NDArray first = checkpoint.load("w", root);
      NDArray second = checkpoint.load("w", root);
      first.addi(100f);
      assertThat(second.toFloatArray()).containsExactly(100f, 101f, 102f, 103f);
      NDArray widened = checkpoint.load("b", root);
      widened.addi(100f);
      assertThat(checkpoint.load("b", root).toFloatArray()).containsExactly(0f, 1f, 2f, 3f);
    }
  }

  @Test
  void shouldNeverWriteThroughToTheFile() throws IOException {
    byte[] before;
    try (Checkpoint checkpoint = checkpointOf(ramp(4), new Shape(4))) {
      before = Files.readAllBytes(dir.resolve(Checkpoint.SINGLE_FILE));
      checkpoint.load("w", root).muli(-1f); // copy-on-write mapping: no fault, no change on disk
    }
    assertThat(Files.readAllBytes(dir.resolve(Checkpoint.SINGLE_FILE))).isEqualTo(before);
    try (Checkpoint reopened = Checkpoint.open(dir);
        NDManager fresh = NDManager.newBaseManager()) {
      assertThat(reopened.load("w", fresh).toFloatArray()).containsExactly(0f, 1f, 2f, 3f);
    }
  }

  @Test
  void shouldKeepLoadedArraysValidAfterTheCheckpointIsClosed() throws Exception {
    List<NDArray> loaded = loadedFromClosedCheckpoint();
    collectGarbage();
    NDArray w = loaded.get(0);
    NDArray b = loaded.get(1);
    assertThat(w.sum().getFloat()).isEqualTo(4 * 255 * 256 / 2f);
    assertThat(b.sum().getFloat()).isEqualTo(4 * 255 * 256 / 2f);
  }

  private List<NDArray> loadedFromClosedCheckpoint() throws IOException {
    try (Checkpoint checkpoint = checkpointOf(ramp(1024), new Shape(32, 32))) {
      return List.of(checkpoint.load("w", root), checkpoint.load("b", root));
    }
  }

  @Test
  void shouldKeepViewsValidAfterTheLoadedArrayIsClosed() throws Exception {
    List<NDArray> views = viewsOfClosedArrays();
    collectGarbage(); // nothing but the lease in root keeps the mapping of "w" reachable now
    for (int i = 0; i < views.size(); i += 3) {
      assertThat(views.get(i).get(0, 1).getFloat()).isEqualTo(32f);
      assertThat(views.get(i + 1).sum().getFloat()).isEqualTo((32 + 95) * 64 / 2f);
      assertThat(views.get(i + 2).get(1, 0).getFloat()).isEqualTo(32f);
    }
  }

  /** In its own frame, so that no local variable keeps the checkpoint reachable afterwards. */
  private List<NDArray> viewsOfClosedArrays() throws IOException {
    List<NDArray> views = new ArrayList<>();
    try (Checkpoint checkpoint = checkpointOf(ramp(1024), new Shape(32, 32))) {
      for (String name : List.of("w", "b")) {
        NDArray loaded = checkpoint.load(name, root);
        views.add(loaded.transpose());
        views.add(loaded.get(new NDIndex("1:3, :")));
        // DJL: toType to the same type aliases the storage even with copy=true.
        views.add(loaded.toType(DataType.FLOAT32, true));
        loaded.close(); // the views still point into its memory
      }
    }
    return views;
  }

  @Test
  void shouldReleaseEverythingWhenLoadingRepeatedlyInFreshSubManagers() throws Exception {
    int n = 1 << 20; // 4 MiB per widened BF16 load: 400 MiB if the loop leaked them
    try (Checkpoint checkpoint = checkpointOf(ramp(n), new Shape(1024, 1024))) {
      loadAndClose(checkpoint, 5);
      collectGarbage();
      long before = residentAnonymousKiB();
      List<NDArray> loaded = loadAndClose(checkpoint, 100);
      collectGarbage();
      long grown = residentAnonymousKiB() - before; // includes Java heap noise, ~10-20 MiB
      assertThat(loaded).hasSize(200).allMatch(NDArray::isReleased);
      assertThat(root.getManagedArrays()).isEmpty();
      if (before > 0) {
        assertThat(grown).as("anonymous RSS growth in KiB").isLessThan(160 * 1024);
      }
    }
  }

  private List<NDArray> loadAndClose(Checkpoint checkpoint, int times) {
    List<NDArray> loaded = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      try (NDManager step = root.newSubManager()) {
        NDArray w = checkpoint.load("w", step);
        NDArray b = checkpoint.load("b", step);
        assertThat(w.get(1023, 1023).getFloat()).isEqualTo(b.get(1023, 1023).getFloat());
        loaded.add(w);
        loaded.add(b);
      }
    }
    return loaded;
  }

  /** RssAnon from /proc/self/status, or 0 where there is none (the RSS check is then skipped). */
  private static long residentAnonymousKiB() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return 0;
    }
    return Files.readAllLines(status).stream()
        .filter(line -> line.startsWith("RssAnon:"))
        .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")))
        .findFirst()
        .orElse(0);
  }
}
