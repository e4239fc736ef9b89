package io.longstream.model.weights;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One file's memory mappings, one per tensor loaded zero-copy, kept alive by whoever may still
 * reach the mapped memory.
 *
 * <p>Java unmaps a {@code MappedByteBuffer} only when the GC finds it unreachable; nothing here
 * unmaps explicitly. Three things keep a mapping reachable: the open file (this cache), each array
 * created from it (DJL keeps the buffer in {@code PtNDArray.dataRef} until the array is closed),
 * and a lease attached to every manager that received such an array. The lease covers the views
 * ({@code reshape}, {@code transpose}, {@code get}) that share the mapped memory without holding
 * the buffer: the results of an op belong to its first operand's manager, so they die with the
 * manager the lease lives in. The lease is attached under one id per file, so loading many times
 * into one manager replaces it rather than piling leases up.
 */
final class MappedTensors {

  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final Map<String, ByteBuffer> regions = new ConcurrentHashMap<>();
  private final String leaseId = "longstream-safetensors-mapping-" + SEQUENCE.incrementAndGet();

  /**
   * The mapped bytes of {@code entry}, mapped once per file. The returned buffer is a duplicate, so
   * DJL may move its limit without touching the shared one.
   */
  ByteBuffer region(FileChannel channel, FileChannel.MapMode mode, TensorEntry entry) {
    ByteBuffer mapped =
        regions.computeIfAbsent(entry.info().name(), n -> map(channel, mode, entry));
    return mapped.duplicate();
  }

  /** Keeps every mapping of this file alive at least until {@code manager} is closed. */
  void leaseTo(NDManager manager) {
    manager.attachInternal(leaseId, new Lease(this));
  }

  private static ByteBuffer map(FileChannel channel, FileChannel.MapMode mode, TensorEntry entry) {
    try {
      return channel.map(mode, entry.position(), entry.length());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Holds the mappings until its manager closes it; closing only lets go. */
  private static final class Lease implements AutoCloseable {
    @SuppressWarnings("unused") // never read: holding it is the point
    private volatile MappedTensors held;

    Lease(MappedTensors held) {
      this.held = held;
    }

    @Override
    public void close() {
      held = null;
    }
  }
}
