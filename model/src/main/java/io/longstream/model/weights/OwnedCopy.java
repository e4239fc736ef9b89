package io.longstream.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a tensor into memory that libtorch allocated and owns, for what cannot be served from the
 * mapping: BF16 (widened here), misaligned tensors and tensors over 2 GiB.
 *
 * <p>Why not {@code manager.create(directBuffer, ...)}: DJL's {@code from_blob} leaves the memory
 * to the Java buffer, which the GC frees once the array that references it is closed, even while a
 * view ({@code reshape}, {@code transpose}, {@code get}) still points into it. Here the array is
 * allocated first ({@code torch::empty}) and filled through the direct buffer that {@code
 * toByteBuffer(true)} wraps around its storage (no cleaner, no copy), so every view holds
 * refcounted libtorch storage and nothing depends on the GC. One copy: file to tensor.
 */
final class OwnedCopy {

  /** DJL wraps tensor storage in a ByteBuffer, whose capacity is an int. */
  static final long MAX_PIECE_BYTES = 1L << 30;

  private static final int CHUNK_BYTES = 1 << 16; // small: a per-load buffer, garbage at once

  private OwnedCopy() {}

  /** Reads {@code entry} into one array of its loaded type and stored shape. */
  static NDArray read(FileChannel channel, TensorEntry entry, NDManager manager, long pieceBytes)
      throws IOException {
    TensorInfo info = entry.info();
    DataType type = info.dtype().loadedType();
    long count = info.elementCount();
    if (count == 0) {
      return manager.create(info.shape(), type); // no storage to fill (or to wrap in a buffer)
    }
    long perPiece = Math.max(1, pieceBytes / type.getNumOfBytes());
    if (count <= perPiece) {
      return piece(channel, entry, 0, count, info.shape(), manager);
    }
    // Too large for one buffer: flat pieces, then one native concat into a single storage.
    NDList pieces = new NDList();
    try {
      for (long first = 0; first < count; first += perPiece) {
        long n = Math.min(perPiece, count - first);
        pieces.add(piece(channel, entry, first, n, new Shape(n), manager));
      }
      NDArray flat = NDArrays.concat(pieces);
      NDArray shaped = flat.reshape(info.shape());
      flat.close();
      return shaped;
    } finally {
      pieces.close();
    }
  }

  private static NDArray piece(
      FileChannel channel,
      TensorEntry entry,
      long first,
      long count,
      Shape shape,
      NDManager manager)
      throws IOException {
    TensorDtype dtype = entry.info().dtype();
    NDArray array = manager.create(shape, dtype.loadedType());
    try {
      ByteBuffer storage = storageOf(array, count * dtype.loadedType().getNumOfBytes());
      long position = entry.position() + first * dtype.byteSize();
      if (dtype == TensorDtype.BF16) {
        readWidened(channel, position, storage);
      } else {
        readFully(channel, position, storage);
      }
      return array;
    } catch (IOException | RuntimeException e) {
      array.close();
      throw e;
    }
  }

  private static ByteBuffer storageOf(NDArray array, long bytes) {
    ByteBuffer storage = array.toByteBuffer(true);
    if (!storage.isDirect() || storage.capacity() != bytes) {
      // Another engine might hand back a copy; writing into it would silently lose the data.
      throw new IllegalStateException("engine does not expose tensor storage: " + array);
    }
    return storage.order(ByteOrder.nativeOrder()).clear();
  }

  private static void readFully(FileChannel channel, long position, ByteBuffer target)
      throws IOException {
    long at = position;
    while (target.hasRemaining()) {
      int n = channel.read(target, at);
      if (n < 0) {
        throw new EOFException("file ended at byte " + at + " (was it truncated after opening?)");
      }
      at += n;
    }
  }

  /**
   * bfloat16 is the high half of a float32: shifting the bits up 16 widens exactly. Bulk array
   * copies around a plain loop let the JIT vectorise the shift.
   */
  private static void readWidened(FileChannel channel, long position, ByteBuffer target)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    short[] halves = new short[CHUNK_BYTES / 2];
    int[] widened = new int[CHUNK_BYTES / 2];
    IntBuffer out = target.asIntBuffer();
    long at = position;
    while (out.hasRemaining()) {
      int n = Math.min(halves.length, out.remaining());
      chunk.clear().limit(2 * n);
      readFully(channel, at, chunk);
      at += 2 * n;
      chunk.flip().asShortBuffer().get(halves, 0, n);
      for (int i = 0; i < n; i++) {
        widened[i] = (halves[i] & 0xFFFF) << 16;
      }
      out.put(widened, 0, n);
    }
  }
}
