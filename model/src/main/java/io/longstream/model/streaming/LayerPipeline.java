package io.longstream.model.streaming;

import io.longstream.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Overlaps consecutive steps of one document on several threads: stage s owns a contiguous range of
 * decoder layers, the last stage also the LM head and the window's outputs, and step k + 1 enters stage s
 * as soon as step k has left it. This is exact, not an approximation: layer l of a step needs only the
 * cache entries that layer l of the earlier steps wrote, and every layer belongs to one stage, which runs
 * the steps in order. On a CPU, stages of one intra-op thread each beat one step on several intra-op
 * threads (small matrix products scale poorly across cores; see docs/BENCHMARKS.md).
 *
 * <p>Stage 0 runs on the caller's thread; the others on daemon threads of a shared pool, only while a batch
 * runs. At most one step waits between two stages, so the memory in flight is bounded by the number of
 * stages, whatever the batch length. Thread-safe: one pipeline serves any number of streams.
 */
public final class LayerPipeline {

  /**
   * Cost of the LM head's normaliser and what follows it, per vocabulary entry and token, in the unit of
   * the split (multiply-adds); with it SmolLM2-135M's two stages measured balanced (17.1 s and 16.7 s busy
   * over an 8,192-token run). Re-checked after the log-softmax ran in row blocks: moving the split by one
   * layer either way was no faster. Not yet re-checked since the log-sum-exp over vocabulary slices replaced it.
   */
  static final double OUTPUT_COST_PER_VOCAB_ENTRY = 15;

  private final int stages;
  private final ExecutorService workers;

  /** A pipeline of {@code stages} stages (1 = every step runs whole on the caller's thread). */
  public LayerPipeline(int stages) {
    if (stages < 1) {
      throw new IllegalArgumentException("pipeline stages must be ≥ 1, got " + stages);
    }
    this.stages = stages;
    AtomicInteger count = new AtomicInteger();
    this.workers = stages == 1
        ? null
        : Executors.newCachedThreadPool(task -> {
          Thread thread = new Thread(task, "longstream-stage-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  public int stages() {
    return stages;
  }

  /**
   * First layer of each stage, plus the layer count at the end: stage s runs layers [b[s], b[s + 1]). The
   * split balances multiply-adds per token: a layer's projections, MLP and attention over {@code attended}
   * entries; the last stage also carries the LM head and the outputs.
   */
  int[] boundaries(ModelConfig config, long attended) {
    long d = config.hiddenSize();
    long qkv = (long) (config.numAttentionHeads() + 2 * config.numKeyValueHeads()) * config.headDim();
    long projections = d * qkv + (long) config.numAttentionHeads() * config.headDim() * d + 3 * d * config.intermediateSize();
    double layer = projections + 2.0 * attended * config.numAttentionHeads() * config.headDim();
    double head = (double) d * config.vocabSize() + OUTPUT_COST_PER_VOCAB_ENTRY * config.vocabSize();
    return boundaries(stages, config.numHiddenLayers(), layer, head);
  }

  static int[] boundaries(int stages, int layers, double layerCost, double headCost) {
    int used = Math.min(stages, layers);
    double share = (layers * layerCost + headCost) / used;
    int[] bounds = new int[used + 1];
    bounds[used] = layers;
    for (int s = 1; s < used; s++) {
      // As many layers as fit the stage's share of the work, leaving at least one layer to each later stage.
      int layer = (int) Math.round(s * share / layerCost);
      bounds[s] = Math.max(bounds[s - 1] + 1, Math.min(layer, layers - (used - s)));
    }
    return bounds;
  }

  /** The work of one batch of steps, split where the pipeline hands a step from one stage to the next. */
  interface Steps<S, R> {
    /** Begins step {@code index} (caller's thread, in order). */
    S begin(int index);

    /** Runs the step's layers up to {@code to} (exclusive). */
    void layers(S step, int to);

    /** Finishes a step that has run every layer: its result. */
    R end(S step);

    /** Frees a step that will not finish (an earlier part failed, or another step did). */
    void discard(S step);
  }

  /**
   * Runs {@code count} steps through the pipeline and returns their results in order. If a step fails, the
   * rest are discarded once every stage has let go of them, and the first failure is thrown.
   */
  <S, R> List<R> run(int count, int[] bounds, Steps<S, R> steps) {
    int used = Math.min(bounds.length - 1, count);
    if (used <= 1) {
      return sequential(count, bounds, steps);
    }
    // inputs.get(s) feeds stage s ≥ 1 (index 0 unused: stage 0 is the caller); the last stage fills results.
    List<BlockingQueue<Slot<S, R>>> inputs = new ArrayList<>();
    for (int s = 0; s < used; s++) {
      inputs.add(new ArrayBlockingQueue<>(1));
    }
    BlockingQueue<Slot<S, R>> results = new ArrayBlockingQueue<>(count);
    // After a failure every later step is discarded at its next stage: the cache may lack the failed
    // step's entries, so nothing computed after it is valid.
    AtomicReference<Throwable> failed = new AtomicReference<>();
    for (int s = 1; s < used; s++) {
      boolean last = s == used - 1;
      int to = last ? bounds[bounds.length - 1] : bounds[s + 1];
      BlockingQueue<Slot<S, R>> in = inputs.get(s);
      BlockingQueue<Slot<S, R>> out = last ? results : inputs.get(s + 1);
      workers.execute(() -> {
        for (int k = 0; k < count; k++) {
          Slot<S, R> slot = take(in);
          slot.run(steps, failed, () -> {
            steps.layers(slot.step, to);
            if (last) {
              slot.result = steps.end(slot.step);
            }
          });
          put(out, slot);
        }
      });
    }
    for (int k = 0; k < count; k++) {
      Slot<S, R> slot = new Slot<>();
      int index = k;
      slot.run(steps, failed, () -> {
        slot.step = steps.begin(index);
        steps.layers(slot.step, bounds[1]);
      });
      put(inputs.get(1), slot);
    }
    List<R> done = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      done.add(take(results).result);
    }
    Throwable failure = failed.get();
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException(failure.toString(), failure);
    }
    return done;
  }

  private static <S, R> List<R> sequential(int count, int[] bounds, Steps<S, R> steps) {
    List<R> done = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      S step = steps.begin(k);
      boolean finished = false;
      try {
        steps.layers(step, bounds[bounds.length - 1]);
        done.add(steps.end(step));
        finished = true;
      } finally {
        if (!finished) {
          steps.discard(step);
        }
      }
    }
    return done;
  }

  /**
   * Hand-offs wait through interrupts: every stage must see every step, or a stage would wait forever and
   * a step's native memory would never be freed. A step takes well under a second, so the interrupt is
   * only delayed, and restored afterwards.
   */
  private static <T> T take(BlockingQueue<T> queue) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return queue.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> void put(BlockingQueue<T> queue, T item) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          queue.put(item);
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A step travelling through the stages; once it or an earlier step failed, it is only passed on. */
  private static final class Slot<S, R> {
    S step;
    R result;
    boolean discarded;

    void run(Steps<S, R> steps, AtomicReference<Throwable> failed, Runnable part) {
      if (failed.get() == null) {
        try {
          part.run();
          return;
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        }
      }
      if (!discarded && step != null) {
        discarded = true;
        result = null;
        try {
          steps.discard(step);
        } catch (Throwable e) {
          failed.compareAndSet(null, e);
        }
      }
    }
  }
}
