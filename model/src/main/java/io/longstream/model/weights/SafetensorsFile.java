package io.longstream.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * One safetensors file, its header validated at {@link #open} and its tensors loaded on demand.
 *
 * <p>Every offset, length and shape in the header is checked against the file before anything is
 * read, so a truncated or lying file fails with a {@link CheckpointException} naming the file and
 * the tensor instead of crashing the JVM in native code.
 *
 * <p>Loading (see {@link #load}): F32, F16, I32 and I64 tensors are served zero-copy from a memory
 * mapping of the file ({@code from_blob}: no anonymous memory, pages come from the page cache).
 * BF16 is widened to F32 in Java into memory owned by libtorch; tensors of 2 GiB or more and
 * tensors misaligned in the file are copied there too. The mapping is {@link MapMode#PRIVATE}
 * (copy-on-write) when the file can be opened for writing, so an in-place op on a loaded array
 * changes this process's copy, never the file, and does not fault; on a read-only file it falls
 * back to {@link MapMode#READ_ONLY}, where an in-place write crashes the JVM: {@code duplicate()}
 * first.
 *
 * <p>Lifetime: closing this file never unmaps memory that arrays still use; see {@link #load}. The
 * file must not be truncated or rewritten in place while it is open or its arrays live (write new
 * checkpoints to a new file and rename, as {@link SafetensorsWriter} does).
 *
 * <p>Thread-safe: loads may run concurrently.
 */
public final class SafetensorsFile implements AutoCloseable {

  private final Path path;
  private final FileChannel channel;
  private final MapMode mapMode;
  private final SafetensorsHeader header;
  private final MappedTensors mappings;
  private final long mapLimit;
  private final long pieceBytes;
  private volatile boolean closed;

  private SafetensorsFile(
      Path path, FileChannel channel, MapMode mapMode, SafetensorsHeader header) {
    this.path = path;
    this.channel = channel;
    this.mapMode = mapMode;
    this.header = header;
    this.mappings = new MappedTensors();
    this.mapLimit = Integer.MAX_VALUE;
    this.pieceBytes = OwnedCopy.MAX_PIECE_BYTES;
  }

  private SafetensorsFile(SafetensorsFile file, long limit) {
    this.path = file.path;
    this.channel = file.channel;
    this.mapMode = file.mapMode;
    this.header = file.header;
    this.mappings = file.mappings;
    this.mapLimit = limit;
    this.pieceBytes = limit;
  }

  /**
   * Opens {@code path} and validates its header.
   *
   * @throws CheckpointException if the file cannot be read or its header is inconsistent
   */
  public static SafetensorsFile open(Path path) {
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors bytes are handed to libtorch as stored");
    }
    MapMode[] mode = new MapMode[1];
    FileChannel channel = openChannel(path, mode);
    try {
      return new SafetensorsFile(path, channel, mode[0], readHeader(path, channel));
    } catch (RuntimeException e) {
      closeQuietly(channel, e);
      throw e;
    }
  }

  /** The file this was opened from. */
  public Path path() {
    return path;
  }

  /** Tensor names, in header order; {@code __metadata__} is not a tensor. */
  public Set<String> tensorNames() {
    return header.entries().keySet();
  }

  /** Whether the file holds a tensor named {@code name}. */
  public boolean contains(String name) {
    return header.entries().containsKey(name);
  }

  /**
   * The stored dtype and shape of {@code name}.
   *
   * @throws CheckpointException if there is no such tensor
   */
  public TensorInfo info(String name) {
    return entry(name).info();
  }

  /** The header's {@code __metadata__} strings (e.g. {@code format=pt}); empty when absent. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /**
   * Loads {@code name} as an array owned by {@code manager}, of dtype {@code
   * info(name).dtype().loadedType()} and the stored shape.
   *
   * <p>Memory: a zero-copy array reads the file's mapping, which stays mapped while the array is
   * open and at least until {@code manager} is closed, even after this file is closed. Views of it
   * ({@code reshape}, {@code transpose}, {@code get}, and also DJL's {@code toType} and {@code
   * toDevice} to the same type and device, which alias even with {@code copy=true}) are safe while
   * they live in {@code manager}. Do not attach such a view to another manager without {@code
   * duplicate()} (a real copy): load into the long-lived manager instead. Arrays loaded from the
   * same tensor share memory. Copied arrays (BF16) own their memory and have no such rule.
   *
   * <p>Cost: the mappings stay until {@code manager} closes even when only copies are kept. To drop
   * them sooner, load into a short-lived sub-manager and attach out only real copies ({@code
   * duplicate()}, {@code concat}, a {@code toType} that changes the type).
   *
   * @throws CheckpointException if there is no such tensor or it cannot be read
   * @throws IllegalStateException if this file is closed
   */
  public NDArray load(String name, NDManager manager) {
    TensorEntry entry = entry(name);
    if (closed) {
      throw new IllegalStateException(path + " is closed");
    }
    try {
      return mappable(entry)
          ? mapped(entry, manager)
          : OwnedCopy.read(channel, entry, manager, pieceBytes);
    } catch (IOException | UncheckedIOException e) {
      throw new CheckpointException(
          path + ": cannot read tensor '" + name + "': " + e.getMessage(), e);
    }
  }

  /**
   * {@link #load(String, NDManager)}, after checking that the stored shape is {@code expected}.
   *
   * @throws CheckpointException naming the tensor and both shapes when they differ
   */
  public NDArray load(String name, NDManager manager, Shape expected) {
    checkShape(info(name), expected, path);
    return load(name, manager);
  }

  /** Closes the file. Arrays already loaded stay valid (see {@link #load}); further loads fail. */
  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A view of this file (same channel and mappings) that maps at most {@code limit} bytes per
   * tensor and copies in pieces of {@code limit} bytes: lets tests reach the large-tensor paths.
   */
  SafetensorsFile withSizeLimit(long limit) {
    return new SafetensorsFile(this, limit);
  }

  static void checkShape(TensorInfo info, Shape expected, Path where) {
    if (!info.shape().equals(expected)) {
      throw new CheckpointException(
          String.format(
              "%s: tensor '%s' has shape %s, expected %s",
              where, info.name(), info.shape(), expected));
    }
  }

  private TensorEntry entry(String name) {
    TensorEntry entry = header.entries().get(name);
    if (entry == null) {
      throw new CheckpointException(path + ": no tensor named '" + name + "'");
    }
    return entry;
  }

  /** from_blob needs one ByteBuffer (int-sized) with elements aligned as the CPU kernels expect. */
  private boolean mappable(TensorEntry entry) {
    TensorDtype dtype = entry.info().dtype();
    return dtype.isNativeToDjl()
        && entry.length() > 0
        && entry.length() <= mapLimit
        && entry.position() % dtype.byteSize() == 0;
  }

  private NDArray mapped(TensorEntry entry, NDManager manager) {
    TensorInfo info = entry.info();
    ByteBuffer region = mappings.region(channel, mapMode, entry);
    NDArray array = manager.create(region, info.shape(), info.dtype().loadedType());
    mappings.leaseTo(manager);
    return array;
  }

  /** PRIVATE mapping needs a writable channel; nothing is ever written through it. */
  private static FileChannel openChannel(Path path, MapMode[] mode) {
    try {
      try {
        mode[0] = MapMode.PRIVATE;
        return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      } catch (FileSystemException | UnsupportedOperationException e) {
        mode[0] = MapMode.READ_ONLY;
        return FileChannel.open(path, StandardOpenOption.READ);
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot open " + path + ": " + e, e);
    }
  }

  private static SafetensorsHeader readHeader(Path path, FileChannel channel) {
    try {
      long size = channel.size();
      if (size < Long.BYTES) {
        throw new IllegalArgumentException("file of " + size + " bytes is too short for a header");
      }
      long length = readLength(channel);
      if (length < 0 || length > size - Long.BYTES) {
        String declared = Long.toUnsignedString(length);
        throw new IllegalArgumentException(
            String.format("header length %s exceeds the file (%d bytes)", declared, size));
      }
      if (length > SafetensorsHeader.MAX_HEADER_BYTES) {
        throw new IllegalArgumentException("header length " + length + " exceeds the 100 MB limit");
      }
      long dataStart = Long.BYTES + length;
      return SafetensorsHeader.parse(
          readBytes(channel, Long.BYTES, (int) length), dataStart, size - dataStart);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + path + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(path + ": " + e.getMessage(), e);
    }
  }

  private static long readLength(FileChannel channel) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(readBytes(channel, 0, Long.BYTES));
    return bytes.order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] readBytes(FileChannel channel, long position, int length)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
      }
    }
    return buffer.array();
  }

  private static void closeQuietly(FileChannel channel, Exception cause) {
    try {
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
