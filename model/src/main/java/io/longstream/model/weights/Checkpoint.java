package io.longstream.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face model directory: either one {@code model.safetensors} or the
 * sharded layout, {@code model.safetensors.index.json} naming the shard ({@code
 * model-00001-of-00002.safetensors}...) of every tensor. As in transformers, the single file wins
 * when both are present. Opening validates every file's header and that every tensor of the index
 * is in its shard; tensors a shard holds beyond its index entries are not visible.
 *
 * <p>Loading and memory: see {@link SafetensorsFile#load}. In short, F32/F16 tensors come zero-copy
 * from a memory mapping, BF16 is widened to F32 into libtorch-owned memory; closing the checkpoint
 * never invalidates arrays already loaded: a mapping stays until the arrays and the managers they
 * were loaded into are closed. One rule remains: a view of a zero-copy array (including DJL's
 * {@code toType}/{@code toDevice} to the same type/device, which alias) must not be attached to a
 * manager other than the one it was loaded into; {@code duplicate()} it first.
 *
 * <pre>{@code
 * try (Checkpoint weights = Checkpoint.open(dir)) {
 *   String name = "model.layers.0.self_attn.q_proj.weight";
 *   NDArray wq = weights.load(name, manager, new Shape(H * Dh, D)); // (H*Dh, D)
 * }
 * }</pre>
 */
public final class Checkpoint implements AutoCloseable {

  /** The single-file layout. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** The sharded layout's index. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final Path directory;
  private final Map<String, SafetensorsFile> fileOf;
  private final List<SafetensorsFile> files;

  private Checkpoint(
      Path directory, Map<String, SafetensorsFile> fileOf, List<SafetensorsFile> files) {
    this.directory = directory;
    this.fileOf = Collections.unmodifiableMap(fileOf);
    this.files = List.copyOf(files);
  }

  /**
   * Opens the checkpoint in {@code directory}.
   *
   * @throws CheckpointException if neither layout is there, or any file or the index is invalid
   */
  public static Checkpoint open(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new CheckpointException(directory + " is not a directory");
    }
    if (Files.isRegularFile(directory.resolve(SINGLE_FILE))) {
      return single(directory, directory.resolve(SINGLE_FILE));
    }
    if (Files.isRegularFile(directory.resolve(INDEX_FILE))) {
      return sharded(directory, ShardIndex.read(directory.resolve(INDEX_FILE)));
    }
    String layouts = "no " + SINGLE_FILE + " or " + INDEX_FILE;
    throw new CheckpointException(layouts + " in " + directory + " (only safetensors are read)");
  }

  /** The model directory. */
  public Path directory() {
    return directory;
  }

  /** Tensor names, in file or index order. */
  public Set<String> tensorNames() {
    return fileOf.keySet();
  }

  /** Whether the checkpoint has a tensor named {@code name}. */
  public boolean contains(String name) {
    return fileOf.containsKey(name);
  }

  /**
   * The stored dtype and shape of {@code name}.
   *
   * @throws CheckpointException naming the tensor if there is none
   */
  public TensorInfo info(String name) {
    return fileOf(name).info(name);
  }

  /**
   * Loads {@code name} into {@code manager} in its loaded dtype ({@link TensorDtype#loadedType}).
   *
   * @throws CheckpointException naming the tensor if there is none or it cannot be read
   * @see SafetensorsFile#load(String, NDManager)
   */
  public NDArray load(String name, NDManager manager) {
    return fileOf(name).load(name, manager);
  }

  /**
   * Loads {@code name} after checking that its shape is {@code expected}.
   *
   * @throws CheckpointException naming the tensor and both shapes when they differ
   */
  public NDArray load(String name, NDManager manager, Shape expected) {
    SafetensorsFile.checkShape(info(name), expected, directory);
    return load(name, manager);
  }

  /** Closes every file; loaded arrays stay valid (see {@link SafetensorsFile#load}). */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (SafetensorsFile file : files) {
      try {
        file.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private SafetensorsFile fileOf(String name) {
    SafetensorsFile file = fileOf.get(name);
    if (file == null) {
      throw new CheckpointException(
          directory + ": no tensor named '" + name + "' among " + fileOf.size() + " tensors");
    }
    return file;
  }

  private static Checkpoint single(Path directory, Path path) {
    SafetensorsFile file = SafetensorsFile.open(path);
    Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
    file.tensorNames().forEach(name -> fileOf.put(name, file));
    return new Checkpoint(directory, fileOf, List.of(file));
  }

  private static Checkpoint sharded(Path directory, Map<String, Path> shardOf) {
    Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
    try {
      Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
      shardOf.forEach(
          (name, shard) ->
              fileOf.put(
                  name, holding(opened.computeIfAbsent(shard, SafetensorsFile::open), name)));
      return new Checkpoint(directory, fileOf, new ArrayList<>(opened.values()));
    } catch (RuntimeException e) {
      opened.values().forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static SafetensorsFile holding(SafetensorsFile shard, String name) {
    if (!shard.contains(name)) {
      throw new CheckpointException(
          shard.path() + ": the index places tensor '" + name + "' in this shard, which lacks it");
    }
    return shard;
  }
}
