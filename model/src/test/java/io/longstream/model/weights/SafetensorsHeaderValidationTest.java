package io.longstream.model.weights;

import static io.longstream.model.weights.TestFiles.raw;
import static io.longstream.model.weights.TestFiles.rawWithLength;
import static io.longstream.model.weights.TestFiles.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A truncated or lying file fails at open with one message naming the file and the tensor. */
class SafetensorsHeaderValidationTest {

  @TempDir Path dir;

  private AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
    return assertThatThrownBy(() -> SafetensorsFile.open(file).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(file.toString());
  }

  private static String tensor(String name, String dtype, String shape, long begin, long end) {
    return "\""
        + name
        + "\":{\"dtype\":\""
        + dtype
        + "\",\"shape\":"
        + shape
        + ",\"data_offsets\":["
        + begin
        + ","
        + end
        + "]}";
  }

  @Test
  void shouldAcceptWellFormedFileAndIgnoreMetadataEntry() {
    Path file =
        raw(
            dir.resolve("ok.safetensors"),
            "{\"__metadata__\":{\"format\":\"pt\"}," + tensor("a", "F32", "[2,3]", 0, 24) + "}",
            zeros(24));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThat(st.tensorNames()).containsExactly("a");
      assertThat(st.info("a")).isEqualTo(new TensorInfo("a", TensorDtype.F32, new Shape(2, 3)));
      assertThat(st.metadata()).containsEntry("format", "pt");
    }
  }

  @Test
  void shouldRejectFileTooShortForTheLengthField() throws IOException {
    Path file = Files.write(dir.resolve("short.safetensors"), new byte[5]);
    assertOpenFails(file).hasMessageContaining("too short");
  }

  @Test
  void shouldRejectHeaderLengthLargerThanTheFile() {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    Path file = rawWithLength(dir.resolve("len.safetensors"), 1000, json, zeros(0));
    assertOpenFails(file).hasMessageContaining("header length 1000 exceeds the file");
  }

  @Test
  void shouldRejectHeaderLengthAboveTwoToThe63() {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    Path file = rawWithLength(dir.resolve("neg.safetensors"), -1L, json, zeros(0));
    assertOpenFails(file).hasMessageContaining("header length 18446744073709551615 exceeds");
  }

  @Test
  void shouldRejectGarbageHeaderJson() {
    Path file = raw(dir.resolve("garbage.safetensors"), "{\"a\":{\"dtype\":F32,,", zeros(0));
    assertOpenFails(file).hasMessageContaining("not valid JSON");
  }

  @Test
  void shouldRejectHeaderThatIsNotAnObject() {
    Path file = raw(dir.resolve("array.safetensors"), "[1,2]", zeros(0));
    assertOpenFails(file).hasMessageContaining("not a JSON object");
  }

  @Test
  void shouldRejectTruncatedFileNamingTheTensor() throws IOException {
    Path file =
        raw(
            dir.resolve("trunc.safetensors"),
            "{" + tensor("a", "F32", "[4]", 0, 16) + "," + tensor("b", "F32", "[4]", 16, 32) + "}",
            zeros(32));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(file) - 3);
    }
    assertOpenFails(file)
        .hasMessageContaining("tensor 'b'")
        .hasMessageContaining("past the data section");
  }

  @Test
  void shouldRejectOffsetsPastTheEndOfTheFile() {
    Path file =
        raw(
            dir.resolve("past.safetensors"),
            "{" + tensor("w", "F32", "[1000]", 0, 4000) + "}",
            zeros(16));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("end 4000 is past");
  }

  @Test
  void shouldRejectBeginAfterEnd() {
    Path file =
        raw(dir.resolve("rev.safetensors"), "{" + tensor("w", "F32", "[1]", 4, 0) + "}", zeros(4));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("begin 4 > end 0");
  }

  @Test
  void shouldRejectOffsetsInconsistentWithShapeTimesDtype() {
    Path file =
        raw(
            dir.resolve("size.safetensors"),
            "{" + tensor("w", "BF16", "[3]", 0, 8) + "}",
            zeros(8));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("span 8 bytes but BF16 (3) needs 6");
  }

  @Test
  void shouldRejectOverlappingTensors() {
    Path file =
        raw(
            dir.resolve("overlap.safetensors"),
            "{" + tensor("a", "F32", "[2]", 0, 8) + "," + tensor("b", "F32", "[2]", 4, 12) + "}",
            zeros(12));
    assertOpenFails(file).hasMessageContaining("tensor 'b' overlaps tensor 'a'");
  }

  @Test
  void shouldRejectGapBetweenTensors() {
    Path file =
        raw(
            dir.resolve("gap.safetensors"),
            "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("b", "F32", "[1]", 8, 12) + "}",
            zeros(12));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'b' leaves a gap of 4 bytes after tensor 'a'");
  }

  @Test
  void shouldRejectUnindexedTrailingBytes() {
    Path file =
        raw(dir.resolve("tail.safetensors"), "{" + tensor("a", "F32", "[1]", 0, 4) + "}", zeros(8));
    assertOpenFails(file).hasMessageContaining("4 bytes after the last tensor");
  }

  @Test
  void shouldRejectUnsupportedDtypeListingTheSupportedOnes() {
    Path file =
        raw(
            dir.resolve("f8.safetensors"),
            "{" + tensor("q", "F8_E4M3", "[4]", 0, 4) + "}",
            zeros(4));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'q'")
        .hasMessageContaining("unsupported dtype 'F8_E4M3'")
        .hasMessageContaining("F32, F16, BF16");
  }

  @Test
  void shouldRejectNegativeShape() {
    Path file =
        raw(
            dir.resolve("negshape.safetensors"),
            "{" + tensor("w", "F32", "[-1,4]", 0, 0) + "}",
            zeros(0));
    assertOpenFails(file).hasMessageContaining("tensor 'w'").hasMessageContaining("non-negative");
  }

  @Test
  void shouldRejectShapeBeyondALong() {
    Path file =
        raw(
            dir.resolve("big.safetensors"),
            "{" + tensor("w", "F32", "[99999999999999999999]", 0, 0) + "}",
            zeros(0));
    assertOpenFails(file).hasMessageContaining("tensor 'w'").hasMessageContaining("below 2^63");
  }

  @Test
  void shouldRejectShapeWhoseElementCountOverflows() {
    Path file =
        raw(
            dir.resolve("overflow.safetensors"),
            "{" + tensor("w", "F32", "[4611686018427387904,4]", 0, 0) + "}",
            zeros(0));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("more than 2^63 elements");
  }

  @Test
  void shouldRejectShapeWhoseByteSizeOverflows() {
    Path file =
        raw(
            dir.resolve("bytes.safetensors"),
            "{" + tensor("w", "F32", "[4611686018427387904]", 0, 0) + "}",
            zeros(0));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("too large in bytes");
  }

  @Test
  void shouldRejectNonIntegerShape() {
    Path file =
        raw(
            dir.resolve("frac.safetensors"),
            "{" + tensor("w", "F32", "[1.5]", 0, 4) + "}",
            zeros(4));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("shape must hold");
  }

  @Test
  void shouldRejectMissingDataOffsets() {
    Path file =
        raw(
            dir.resolve("nooff.safetensors"),
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}",
            zeros(4));
    assertOpenFails(file)
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("data_offsets missing");
  }

  @Test
  void shouldRejectDuplicateTensorNames() {
    Path file =
        raw(
            dir.resolve("dup.safetensors"),
            "{" + tensor("a", "F32", "[1]", 0, 4) + "," + tensor("a", "F32", "[1]", 4, 8) + "}",
            zeros(8));
    assertOpenFails(file).hasMessageContaining("not valid JSON").hasMessageContaining("Duplicate");
  }

  @Test
  void shouldNameTheMissingTensor() {
    Path file =
        raw(dir.resolve("one.safetensors"), "{" + tensor("a", "F32", "[1]", 0, 4) + "}", zeros(4));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThatThrownBy(() -> st.info("model.norm.weight"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("no tensor named 'model.norm.weight'");
    }
  }
}
