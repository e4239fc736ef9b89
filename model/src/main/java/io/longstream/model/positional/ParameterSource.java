package io.longstream.model.positional;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.weights.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Where a positional scheme's learned tensors come from when it is created: a checkpoint (loading a
 * model), fresh random initialisation (a new model to train), or nowhere (schemes that learn nothing).
 * Whatever the source, the tensor comes back in the compute dtype, on the compute device, owned by the
 * model's manager, with the requested shape.
 */
@FunctionalInterface
public interface ParameterSource {

  /**
   * The tensor {@code name} [shape].
   *
   * @param initStd standard deviation of the zero-mean normal a fresh source draws from (ignored when
   *     loading)
   */
  NDArray tensor(String name, Shape shape, double initStd);

  /** Loads from {@code checkpoint}, shape-checked, converted and moved like every other weight. */
  static ParameterSource checkpoint(Checkpoint checkpoint, NDManager manager, DataType dataType, Device device) {
    return (name, shape, initStd) -> {
      NDArray stored = checkpoint.load(name, manager, shape);
      NDArray converted = stored.toType(dataType, true).toDevice(device, true);
      if (converted != stored) {
        stored.close();
      }
      converted.attach(manager);
      return converted;
    };
  }

  /**
   * Draws every tensor from N(0, initStd²) with a generator seeded by {@code seed} and the tensor's name,
   * in Java, so the values depend on nothing else (not on the engine's random state nor on creation order).
   */
  static ParameterSource random(long seed, NDManager manager, DataType dataType, Device device) {
    return (name, shape, initStd) -> {
      SplittableRandom random = new SplittableRandom(seed ^ nameHash(name));
      float[] values = new float[Math.toIntExact(shape.size())];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (nextGaussian(random) * initStd);
      }
      NDArray array = manager.create(values, shape).toType(dataType, false).toDevice(device, false);
      array.attach(manager);
      return array;
    };
  }

  /** A source for schemes without learned tensors: asking it for one is a clear error. */
  static ParameterSource none() {
    return (name, shape, initStd) -> {
      throw new IllegalStateException(
          "tensor '" + name + "' " + shape + " is learned: create the scheme with a checkpoint or random ParameterSource");
    };
  }

  private static long nameHash(String name) {
    long h = 0xcbf29ce484222325L; // FNV-1a, stable across JVMs (String.hashCode is too, but only 32 bits)
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }

  /** Box–Muller on the generator's doubles (SplittableRandom has no nextGaussian before Java 17's API). */
  private static double nextGaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
