package io.longstream.model.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.positional.StepPositions;
import java.util.Arrays;

/**
 * The StreamingLLM attention-sink cache of the streaming-semantics spec: the first S document tokens stay
 * forever, the W most recent tokens roll, and chunk tokens attend to both. Per layer one preallocated
 * buffer [1, Hkv, S + W + C, Dh] for keys (stored before rotation) and one for values: slots [0, S) hold
 * the sinks, the remaining W + C slots are a ring for recent and incoming tokens. Nothing is reallocated
 * and nothing grows with the document length; attention always spans all slots and the mask hides the
 * empty and evicted ones (attention does not depend on slot order).
 *
 * <p>Positions follow the spec: in rolling mode sink i → i, recent j (0 = oldest) → s + j, chunk token m →
 * s + R + m, where s is the number of sinks held (S once the document has that many tokens); in absolute
 * mode every entry keeps its document position. Keys are rotated at attention time from these positions,
 * so both modes are the same code with a different position rule.
 */
public final class SinkCache implements KvCache {

  private static final long EMPTY = -1;

  private final int sinks;
  private final int window;
  private final int chunk;
  private final boolean rollingPositions;
  private final int slidingWindow;
  private final DataType dataType;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final long[] slotDocument;
  private long tokensSeen;
  private int ringStart;
  private int recent;

  /**
   * @param manager owns the buffers (close the cache or the manager to free them)
   * @param rollingPositions true for rolling (in-cache) positions, false for absolute document positions
   * @param slidingWindow the model's own attention window (0 = none); it never hides sinks
   */
  public SinkCache(
      NDManager manager,
      int layers,
      int keyValueHeads,
      int headDim,
      int sinks,
      int window,
      int chunk,
      boolean rollingPositions,
      int slidingWindow,
      DataType dataType) {
    this.sinks = sinks;
    this.window = window;
    this.chunk = chunk;
    this.rollingPositions = rollingPositions;
    this.slidingWindow = slidingWindow;
    this.dataType = dataType;
    Shape shape = new Shape(1, keyValueHeads, slots(), headDim);
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(shape, dataType);
      values[l] = manager.zeros(shape, dataType);
    }
    this.slotDocument = new long[slots()];
    Arrays.fill(slotDocument, EMPTY);
  }

  /** Total slots per layer: S + W + C. */
  public int slots() {
    return sinks + ringSize();
  }

  private int ringSize() {
    return window + chunk;
  }

  /** Sinks held: min(S, tokens seen). */
  public int sinkCount() {
    return (int) Math.min(sinks, tokensSeen);
  }

  /** R: recent tokens held (never more than W). */
  public int recentCount() {
    return recent;
  }

  public long tokensSeen() {
    return tokensSeen;
  }

  /** Bytes of device memory held by the buffers (constant for the cache's life). */
  public long bytes() {
    long total = 0;
    for (int l = 0; l < keys.length; l++) {
      total += keys[l].size() * dataType.getNumOfBytes() * 2;
    }
    return total;
  }

  /** Positions of the next {@code count} tokens: rolling s + R + m, absolute the document position. */
  public long[] queryPositions(int count) {
    long first = rollingPositions ? sinkCount() + recent : tokensSeen;
    long[] positions = new long[count];
    for (int m = 0; m < count; m++) {
      positions[m] = first + m;
    }
    return positions;
  }

  @Override
  public CacheStep begin(NDManager stepManager, long[] queryPositions) {
    int count = queryPositions.length;
    if (count < 1 || count > chunk) {
      throw new IllegalArgumentException("a step takes 1 to " + chunk + " tokens, got " + count);
    }
    int[] targetSlots = new int[count];
    long[] queryDocuments = new long[count];
    int newRecent = 0;
    for (int m = 0; m < count; m++) {
      long document = tokensSeen + m;
      queryDocuments[m] = document;
      targetSlots[m] = document < sinks ? (int) document : ringSlot(recent + newRecent++);
      slotDocument[targetSlots[m]] = document;
    }
    long[] keyPositions = keyPositions(targetSlots, queryPositions);
    long scalingLength = queryPositions[count - 1] + 1;
    StepPositions positions = new StepPositions(queryPositions, keyPositions, scalingLength);
    NDArray mask = mask(stepManager, queryDocuments);
    advance(count, newRecent);
    return new SinkStep(positions, mask, targetSlots);
  }

  /** Buffer index of the j-th entry of the ring counted from the oldest recent entry. */
  private int ringSlot(int j) {
    return sinks + Math.floorMod(ringStart + j, ringSize());
  }

  /** Position of every slot for this step; empty slots get 0 (they are masked). */
  private long[] keyPositions(int[] targetSlots, long[] queryPositions) {
    long[] positions = new long[slots()];
    if (!rollingPositions) {
      for (int slot = 0; slot < positions.length; slot++) {
        positions[slot] = Math.max(0, slotDocument[slot]);
      }
      return positions;
    }
    int held = sinkCount();
    for (int i = 0; i < held; i++) {
      positions[i] = i;
    }
    for (int j = 0; j < recent; j++) {
      positions[ringSlot(j)] = held + j;
    }
    for (int m = 0; m < targetSlots.length; m++) {
      positions[targetSlots[m]] = queryPositions[m];
    }
    return positions;
  }

  /** Query m sees every held entry and the chunk's tokens up to itself (spec rule 1); no window hides sinks. */
  private NDArray mask(NDManager manager, long[] queryDocuments) {
    return AttentionMasks.causal(manager, queryDocuments, slotDocument, slidingWindow, sinks, dataType);
  }

  /**
   * Rule 4, applied to the bookkeeping as soon as a step begins: chunk tokens join the recent part, then the
   * oldest are evicted until R ≤ W. The evicted slots are only reused by the next step's tokens, and each
   * layer's buffers are written and read in step order, so a next step may begin (and run its first layers)
   * while this one still runs its last layers.
   */
  private void advance(int count, int newRecent) {
    tokensSeen += count;
    recent += newRecent;
    int evicted = Math.max(0, recent - window);
    for (int j = 0; j < evicted; j++) {
      slotDocument[ringSlot(j)] = EMPTY;
    }
    ringStart = Math.floorMod(ringStart + evicted, ringSize());
    recent -= evicted;
  }

  @Override
  public void close() {
    for (int l = 0; l < keys.length; l++) {
      keys[l].close();
      values[l].close();
    }
  }

  private final class SinkStep implements CacheStep {
    private final StepPositions positions;
    private final NDArray mask;
    private final int[] targetSlots;

    SinkStep(StepPositions positions, NDArray mask, int[] targetSlots) {
      this.positions = positions;
      this.mask = mask;
      this.targetSlots = targetSlots;
    }

    @Override
    public StepPositions positions() {
      return positions;
    }

    @Override
    public NDArray mask() {
      return mask;
    }

    @Override
    public KeyValues append(int layer, NDArray newKeys, NDArray newValues) {
      int m = 0;
      while (m < targetSlots.length) {
        int run = 1;
        while (m + run < targetSlots.length && targetSlots[m + run] == targetSlots[m] + run) {
          run++;
        }
        NDIndex source = new NDIndex(":, :, {}:{}", m, m + run);
        NDIndex target = new NDIndex(":, :, {}:{}", targetSlots[m], targetSlots[m] + run);
        keys[layer].set(target, newKeys.get(source));
        values[layer].set(target, newValues.get(source));
        m += run;
      }
      return new KeyValues(keys[layer], values[layer]);
    }
  }
}
