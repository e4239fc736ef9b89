package io.longstream.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a safetensors file in the Hugging Face layout: an 8-byte little-endian header length, the
 * JSON header padded with spaces to a multiple of 8 bytes, then the tensors back to back, ordered
 * by element size (largest first) then name so that every tensor is aligned to its element size, as
 * the reference writer does.
 *
 * <p>The file is written next to its destination and renamed into place, so a reader that has the
 * previous version mapped keeps reading the old bytes instead of faulting.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("format", "pt")
 *     .add("lm_head.weight", w)
 *     .write(dir.resolve(Checkpoint.SINGLE_FILE));
 * }</pre>
 *
 * <p>Not thread-safe; {@code add}ed arrays are read by {@link #write} and must stay open until
 * then.
 */
public final class SafetensorsWriter {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Map<String, Pending> tensors = new LinkedHashMap<>();

  /** One tensor waiting for {@link #write}: its bytes are produced then, one tensor at a time. */
  private record Pending(String name, TensorDtype dtype, Shape shape, Supplier<ByteBuffer> bytes) {

    long length() {
      return new TensorInfo(name, dtype, shape).storedBytes();
    }
  }

  /** Adds a {@code __metadata__} string, e.g. {@code format=pt} as transformers expects. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Adds a FLOAT32, FLOAT16, INT32 or INT64 array under {@code name}.
   *
   * @throws IllegalArgumentException on another dtype or a name already added
   */
  public SafetensorsWriter add(String name, NDArray array) {
    TensorDtype dtype = dtypeOf(array.getDataType(), name);
    return put(new Pending(name, dtype, array.getShape(), array::toByteBuffer));
  }

  /**
   * Adds raw little-endian bytes (any {@link TensorDtype}, BF16 included) under {@code name}.
   *
   * @throws IllegalArgumentException if the bytes remaining in {@code data} do not match {@code
   *     shape} times the element size, or the name was already added
   */
  public SafetensorsWriter add(String name, TensorDtype dtype, Shape shape, ByteBuffer data) {
    Pending pending = new Pending(name, dtype, shape, data::duplicate);
    if (pending.length() != data.remaining()) {
      throw new IllegalArgumentException(
          String.format(
              "tensor '%s': %s %s needs %d bytes, got %d",
              name, dtype, shape, pending.length(), data.remaining()));
    }
    return put(pending);
  }

  /**
   * Writes the file, replacing {@code file} atomically where the file system allows it.
   *
   * @throws IOException if writing fails; {@code file} is then left as it was
   */
  public void write(Path file) throws IOException {
    List<Pending> ordered = new ArrayList<>(tensors.values());
    ordered.sort(
        Comparator.comparingInt((Pending p) -> -p.dtype().byteSize()).thenComparing(Pending::name));
    byte[] header = header(ordered);
    Path temp =
        Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        writeAll(
            out,
            ByteBuffer.allocate(Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length)
                .flip());
        writeAll(out, ByteBuffer.wrap(header));
        for (Pending tensor : ordered) {
          writeAll(out, tensor.bytes().get());
        }
        out.force(true);
      }
      moveIntoPlace(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private SafetensorsWriter put(Pending pending) {
    if (pending.name().isEmpty() || pending.name().equals("__metadata__")) {
      throw new IllegalArgumentException("invalid tensor name '" + pending.name() + "'");
    }
    if (tensors.putIfAbsent(pending.name(), pending) != null) {
      throw new IllegalArgumentException("tensor '" + pending.name() + "' added twice");
    }
    return this;
  }

  private static TensorDtype dtypeOf(DataType type, String name) {
    return Arrays.stream(TensorDtype.values())
        .filter(d -> d.isNativeToDjl() && d.loadedType() == type)
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("tensor '" + name + "': cannot write " + type));
  }

  private byte[] header(List<Pending> ordered) {
    ObjectNode root = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Pending tensor : ordered) {
      ObjectNode node = root.putObject(tensor.name());
      node.put("dtype", tensor.dtype().name());
      Arrays.stream(tensor.shape().getShape()).forEach(node.putArray("shape")::add);
      node.putArray("data_offsets").add(offset).add(offset + tensor.length());
      offset += tensor.length();
    }
    byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');
    return padded;
  }

  private static void writeAll(FileChannel out, ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      out.write(bytes);
    }
  }

  private static void moveIntoPlace(Path temp, Path file) throws IOException {
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
