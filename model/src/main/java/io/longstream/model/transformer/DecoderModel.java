package io.longstream.model.transformer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.types.SparseFormat;
import io.longstream.model.cache.CacheStep;
import io.longstream.model.cache.KvCache;
import io.longstream.model.cache.NoCache;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.positional.PositionalEncoding;
import io.longstream.model.positional.PositionalStep;
import io.longstream.model.transformer.TorchScriptKernels.PackedWeight;
import java.util.List;

/**
 * A decoder-only transformer of the Llama family (Llama, Mistral, Qwen2): embedding, N × (RMSNorm →
 * grouped-query attention → residual, RMSNorm → SwiGLU MLP → residual), final RMSNorm, LM head. The same
 * definition serves inference (with a {@link KvCache}) and training (with {@link NoCache}, gradients flow
 * through every op). Thread-safe: weights are read-only; each call's state lives in its cache.
 */
public final class DecoderModel {

  private final ModelConfig config;
  private final DecoderWeights weights;
  private final PositionalEncoding positional;
  private final DataType dataType;
  private final Device device;
  private final float attentionScale;
  private final TorchScriptKernels kernels;
  // The projections in oneDNN's layout when the kernels are there and the model runs float32 on a CPU; null otherwise.
  private final PackedWeights packed;

  /** A model that computes attention from its parts (always possible; needed for gradients and diagnostics). */
  public DecoderModel(
      ModelConfig config, DecoderWeights weights, PositionalEncoding positional, DataType dataType, Device device) {
    this(config, weights, positional, dataType, device, null);
  }

  /**
   * A model that uses {@code kernels} whenever no gradient is recorded: fused attention when nothing needs
   * the probabilities (no observer), and oneDNN's matmul for linear layers when it runs float32 on a CPU
   * (their weights are then packed once, here, into oneDNN's layout: {@link PackedWeights}); {@code kernels}
   * may be null.
   */
  public DecoderModel(
      ModelConfig config,
      DecoderWeights weights,
      PositionalEncoding positional,
      DataType dataType,
      Device device,
      TorchScriptKernels kernels) {
    this.kernels = kernels;
    boolean oneDnn = kernels != null && "cpu".equals(device.getDeviceType()) && dataType == DataType.FLOAT32;
    this.packed = oneDnn ? new PackedWeights(kernels, weights) : null;
    this.config = config;
    this.weights = weights;
    this.positional = positional;
    this.dataType = dataType;
    this.device = device;
    this.attentionScale = (float) (1.0 / Math.sqrt(config.headDim()));
  }

  public ModelConfig config() {
    return config;
  }

  public DecoderWeights weights() {
    return weights;
  }

  public PositionalEncoding positional() {
    return positional;
  }

  /** Every trainable array: the decoder's weights, then the positional scheme's learned tensors, if any. */
  public java.util.List<NDArray> parameters() {
    var all = new java.util.ArrayList<>(weights.parameters());
    all.addAll(positional.parameters());
    return all;
  }

  public DataType dataType() {
    return dataType;
  }

  public Device device() {
    return device;
  }

  /** A cache for one full causal forward (nothing kept), honouring the model's sliding window. */
  public KvCache noCache() {
    return new NoCache(config.slidingWindow(), dataType);
  }

  /** {@link #forward(NDManager, NDArray, long[], KvCache, boolean, AttentionObserver)} with logits. */
  public ForwardResult forward(NDManager out, NDArray tokens, long[] positions, KvCache cache) {
    return forward(out, tokens, positions, cache, true, null);
  }

  /**
   * Runs one step.
   *
   * @param out manager that will own the result; every temporary is freed before returning
   * @param tokens token ids [B, T] (int64)
   * @param positions position id of each of the T tokens, as the positional scheme should see it
   * @param cache earlier tokens' keys and values; updated by this step
   * @param withLogits whether to apply the LM head (skip it when only hidden states are needed)
   * @param observer receives attention probabilities per layer, or null
   */
  public ForwardResult forward(
      NDManager out, NDArray tokens, long[] positions, KvCache cache, boolean withLogits, AttentionObserver observer) {
    try (ForwardStep step = begin(out, tokens, positions, cache, observer)) {
      step.runLayers(layerCount());
      return step.finish(withLogits);
    }
  }

  /** Number of decoder layers. */
  public int layerCount() {
    return weights.layers().size();
  }

  /**
   * Begins one step whose layers the caller runs in parts, possibly each part on another thread: {@link
   * ForwardStep#runLayers} up to {@link #layerCount()}, then {@link ForwardStep#finish}, then close. This
   * is what lets the streaming engine overlap consecutive steps of one document (a layer pipeline): layer l
   * of a step only needs layer l of the steps before it. Arguments as for {@link #forward}.
   */
  public ForwardStep begin(NDManager out, NDArray tokens, long[] positions, KvCache cache, AttentionObserver observer) {
    if (tokens.getShape().dimension() != 2 || tokens.getShape().get(1) != positions.length) {
      throw new IllegalArgumentException(
          "tokens must be [B, T] with T = positions.length, got " + tokens.getShape() + " and " + positions.length);
    }
    return new ForwardStep(out, tokens, positions, cache, observer);
  }

  /**
   * One step in progress. Its parts may run on different threads one after the other (the caller hands it
   * over with a happens-before edge, e.g. a blocking queue), never at the same time.
   */
  public final class ForwardStep implements AutoCloseable {
    private final NDManager out;
    private final NDManager manager;
    // With gradients on, the step's temporaries must outlive the step: autograd keeps some of them for the
    // backward pass (index tensors, positional tables), and DJL hands Java arrays to libtorch as views of
    // JVM buffers that are freed once their NDArray is closed and collected. So in training they belong to
    // {@code out}, which the caller closes after backward; in inference each part frees its temporaries
    // (an NDScope on the thread running it) and the step's own arrays go with the step.
    private final boolean training;
    private final StepAttention attention;
    private NDArray x;
    private int layersDone;

    private ForwardStep(NDManager out, NDArray tokens, long[] positions, KvCache cache, AttentionObserver observer) {
      this.out = out;
      this.training = JniUtils.isGradMode();
      this.manager = out.newSubManager(device);
      boolean done = false;
      try {
        // Not scoped: the mask and positional tables made here serve every layer, on whichever thread
        // runs it. They are created in this step's manager and freed when the step closes.
        CacheStep cacheStep = cache.begin(manager, positions);
        PositionalStep pos = positional.prepare(manager, cacheStep.positions());
        boolean useFused = kernels != null && observer == null && !training;
        NDArray folded = useFused ? foldedMask(cacheStep.mask(), pos.attentionBias(), positions.length) : null;
        this.attention = new StepAttention(cacheStep, pos, observer, folded);
        // A copy in the step's manager, so that the embeddings computed from it are the step's, not the caller's.
        NDArray ids = tokens.toType(DataType.INT64, true);
        ids.attach(manager);
        this.x = pos.embed(Embedding.embedding(ids, weights.embedding(), SparseFormat.DENSE).head());
        done = true;
      } finally {
        if (!done) {
          close();
        }
      }
    }

    /** Runs the layers from the last one run up to {@code to} (exclusive). */
    public void runLayers(int to) {
      if (to < layersDone || to > layerCount()) {
        throw new IllegalArgumentException("layers run up to " + layersDone + "; cannot run up to " + to);
      }
      NDScope scope = training ? null : new NDScope();
      try {
        for (int layer = layersDone; layer < to; layer++) {
          x = decoderLayer(x, layer, attention);
        }
        layersDone = to;
        if (scope != null) {
          NDScope.unregister(x);
        }
      } finally {
        if (scope != null) {
          scope.close();
        }
      }
    }

    /** Final norm and, if asked, the LM head, after every layer; the results belong to {@code out}. */
    public ForwardResult finish(boolean withLogits) {
      if (layersDone != layerCount()) {
        throw new IllegalStateException("finish after " + layersDone + " of " + layerCount() + " layers");
      }
      NDScope scope = training ? null : new NDScope();
      try {
        NDArray hidden = rmsNorm(x, weights.finalNorm());
        NDArray logits = withLogits ? logits(hidden) : null;
        return new ForwardResult(keep(logits, out, scope), keep(hidden, out, scope));
      } finally {
        if (scope != null) {
          scope.close();
        }
      }
    }

    /** Frees the step's arrays (in inference; in training they belong to {@code out}). */
    @Override
    public void close() {
      if (!training) {
        manager.close();
      }
    }
  }

  private static NDArray keep(NDArray array, NDManager owner, NDScope scope) {
    if (array == null) {
      return null;
    }
    if (scope != null) {
      NDScope.unregister(array);
    }
    array.attach(owner);
    return array;
  }

  /**
   * A scalar tensor that libtorch owns. {@code x.mul(2.0)} would wrap the number in a JVM buffer and close
   * it at once, yet autograd keeps that operand for the backward pass (mul, pow): the buffer could be
   * collected and overwritten before backward reads it (seen as diverging and NaN training losses under
   * garbage-collection pressure).
   */
  private static NDArray scalar(NDArray like, double value) {
    return like.getManager().full(new Shape(), (float) value, like.getDataType());
  }

  /**
   * What every layer of one step shares: the cache step, the positional step, and for the fused kernel the
   * additive mask with query groups folded in (null when the step composes attention from its parts).
   */
  private record StepAttention(CacheStep cache, PositionalStep pos, AttentionObserver observer, NDArray foldedMask) {}

  /** x [B, T, D] → x + attention(norm(x)) → that + mlp(norm(that)). */
  private NDArray decoderLayer(NDArray x, int layer, StepAttention step) {
    LayerWeights w = weights.layers().get(layer);
    PackedWeights.Layer p = oneDnn() ? packed.layer(layer) : null;
    NDArray attended = attention(rmsNorm(x, w.inputNorm()), w, p, layer, step);
    NDArray h = x.add(attended);
    return h.add(swiGlu(rmsNorm(h, w.postAttentionNorm()), w, p));
  }

  /** Grouped-query attention of the step's tokens over the cache's entries. x [B, T, D] → [B, T, D]. */
  private NDArray attention(NDArray x, LayerWeights w, PackedWeights.Layer p, int layer, StepAttention step) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int h = config.numAttentionHeads();
    int hkv = config.numKeyValueHeads();
    int dh = config.headDim();
    NDArray qkv = linear(x, w.qkv(), p == null ? null : p.qkv(), w.qkvBias());
    NDList parts = qkv.split(new long[] {(long) h * dh, (long) (h + hkv) * dh}, 2);
    NDArray q = heads(parts.get(0), b, t, h, dh); // [B, H, T, Dh]
    CacheStep.KeyValues kv = step.cache().append(layer, heads(parts.get(1), b, t, hkv, dh), heads(parts.get(2), b, t, hkv, dh));
    NDArray keys = step.pos().keys(kv.keys()); // [B, Hkv, K, Dh]
    NDArray context;
    if (step.foldedMask() != null) {
      // Query heads h = kv·G + g share key head kv: fold G into the query axis, as the composed path does.
      NDArray grouped = step.pos().queries(q).reshape(b, hkv, (h / hkv) * t, dh);
      context = kernels.attend(grouped, keys, kv.values(), step.foldedMask(), attentionScale).reshape(b, h, t, dh);
    } else {
      context = composedAttention(step.pos().queries(q), keys, kv.values(), step.cache(), step.pos(), layer, step.observer());
    }
    NDArray merged = context.transpose(0, 2, 1, 3).reshape(b, t, (long) h * dh);
    return linear(merged, w.output(), p == null ? null : p.output(), null);
  }

  /**
   * Mask and positional bias as one additive term for the fused kernel, laid out for queries folded to
   * [B, Hkv, G·T, Dh]: a head-independent [T, K] term is tiled G times to [G·T, K]; a per-head [H, T, K] term
   * is reshaped to [1, Hkv, G·T, K].
   */
  private NDArray foldedMask(NDArray mask, NDArray bias, long t) {
    int hkv = config.numKeyValueHeads();
    int groups = config.numAttentionHeads() / hkv;
    long k = mask.getShape().get(mask.getShape().dimension() - 1);
    NDArray term = bias == null ? mask : bias.add(mask);
    if (term.size() == t * k) {
      NDArray plain = term.reshape(t, k);
      return groups == 1 ? plain : plain.tile(new long[] {groups, 1});
    }
    return term.reshape(1, hkv, groups * t, k);
  }

  /** softmax(q·kᵀ/√Dh + bias + mask)·v from its parts. q [B, H, T, Dh] → [B, H, T, Dh]. */
  private NDArray composedAttention(
      NDArray q, NDArray keys, NDArray values, CacheStep cache, PositionalStep pos, int layer, AttentionObserver observer) {
    long b = q.getShape().get(0);
    long t = q.getShape().get(2);
    int h = config.numAttentionHeads();
    int hkv = config.numKeyValueHeads();
    int dh = config.headDim();
    long k = keys.getShape().get(2);
    int groups = h / hkv;
    // Query heads h = kv·G + g share key head kv: fold G into the query axis instead of repeating keys.
    NDArray grouped = q.mul(scalar(q, attentionScale)).reshape(b, hkv, groups * t, dh);
    NDArray scores = grouped.matMul(keys.transpose(0, 1, 3, 2)).reshape(b, h, t, k);
    NDArray bias = pos.attentionBias();
    if (bias != null) {
      scores = scores.add(bias);
    }
    scores = scores.add(cache.mask());
    NDArray probabilities = scores.softmax(3);
    if (observer != null) {
      observer.onAttention(layer, probabilities);
    }
    return probabilities.reshape(b, hkv, groups * t, k).matMul(values).reshape(b, h, t, dh);
  }

  /** [B, T, heads·Dh] → [B, heads, T, Dh]. */
  private static NDArray heads(NDArray x, long b, long t, int heads, int dh) {
    return x.reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
  }

  /** SwiGLU MLP: down(silu(gate(x)) ⊙ up(x)). x [B, T, D] → [B, T, D]; {@code p} as in {@link #decoderLayer}. */
  private NDArray swiGlu(NDArray x, LayerWeights w, PackedWeights.Layer p) {
    NDList gateUp = linear(x, w.gateUp(), p == null ? null : p.gateUp(), null).split(2, 2);
    NDArray gate = gateUp.get(0);
    return linear(gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1)), w.down(), p == null ? null : p.down(), null);
  }

  /** Whether this call runs the linear layers on oneDNN's packed weights (inference in float32 on a CPU). */
  private boolean oneDnn() {
    return packed != null && !JniUtils.isGradMode();
  }

  /**
   * x·wᵀ (+ b): x [..., In], w [Out, In], b [Out] or null → [..., Out]; with oneDNN's kernels when {@code packed}, w
   * in oneDNN's layout, is given (see {@link #oneDnn}), with DJL's otherwise.
   */
  private NDArray linear(NDArray x, NDArray w, PackedWeight packed, NDArray b) {
    if (packed != null) {
      return kernels.linear(x, packed, b);
    }
    return b == null ? Linear.linear(x, w).head() : Linear.linear(x, w, b).head();
  }

  /** RMSNorm as transformers computes it: weight ⊙ x / √(mean(x²) + ε), statistics in float32. */
  private NDArray rmsNorm(NDArray x, NDArray weight) {
    NDArray x32 = x.toType(DataType.FLOAT32, false);
    NDArray meanSquare = x32.square().mean(new int[] {-1}, true).add(config.rmsNormEps());
    NDArray inverseRms = meanSquare.pow(scalar(meanSquare, -0.5));
    return x32.mul(inverseRms).toType(dataType, false).mul(weight);
  }

  /** The LM head: final hidden states [..., D] (normed, as {@link ForwardResult#hidden()}) → logits [..., V]. */
  public NDArray logits(NDArray hidden) {
    return linear(hidden, weights.lmHead(), null, null);
  }

  /**
   * log Σᵥ exp(logitᵥ), the normaliser of each row's next-token distribution: final hidden states [T, D] →
   * float32 [T], in {@code hidden}'s manager. The LM head runs on slices of {@code columns} vocabulary entries,
   * each reduced to its row maxima mⱼ and Σ exp(logit − mⱼ) before the next is computed, and the slices combine
   * as M + log Σⱼ sⱼ·exp(mⱼ − M) with M = maxⱼ mⱼ; no [T, V] array is made. A slice small enough to stay in the
   * CPU's caches between the head's product and its reduction is what makes this cheaper than a log-softmax
   * over whole rows (docs/BENCHMARKS.md).
   */
  public NDArray logSumExp(NDArray hidden, int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns per slice must be ≥ 1, got " + columns);
    }
    List<PackedWeight> packedSlices = oneDnn() ? packed.headSlices(columns) : null;
    NDArray head = weights.lmHead();
    long vocabulary = head.getShape().get(0);
    NDList maxima = new NDList();
    NDList sums = new NDList();
    for (int slice = 0; (long) slice * columns < vocabulary; slice++) {
      try (NDScope scope = new NDScope()) {
        long from = (long) slice * columns;
        PackedWeight packedRows = packedSlices == null ? null : packedSlices.get(slice);
        NDArray rows = packedRows != null ? null : head.get(new NDIndex("{}:{}", from, Math.min(vocabulary, from + columns)));
        NDArray logits = linear(hidden, rows, packedRows, null).toType(DataType.FLOAT32, false); // [T, columns]
        NDArray max = logits.max(new int[] {1}, true);
        NDArray sum = logits.sub(max).exp().sum(new int[] {1}, true);
        NDScope.unregister(max, sum);
        maxima.add(max);
        sums.add(sum);
      }
    }
    NDArray m = NDArrays.concat(maxima, 1); // [T, slices]
    NDArray top = m.max(new int[] {1}, true);
    return NDArrays.concat(sums, 1).mul(m.sub(top).exp()).sum(new int[] {1}).log().add(top.squeeze(1));
  }

  /**
   * The logit of one given token per row: hidden [T, D] and T token ids → float32 [T], in {@code hidden}'s
   * manager: the dot product of each row with that token's row of the LM head (the same number as the
   * head's product, to rounding).
   */
  public NDArray tokenLogits(NDArray hidden, long[] ids) {
    NDArray rows = Embedding.embedding(tokens(hidden.getManager(), ids), weights.lmHead(), SparseFormat.DENSE).head().squeeze(0);
    return hidden.toType(DataType.FLOAT32, false).mul(rows.toType(DataType.FLOAT32, false)).sum(new int[] {1});
  }

  /** Token ids [1, T] on the model's device. */
  public NDArray tokens(NDManager manager, long[] ids) {
    return manager.create(ids, new Shape(1, ids.length)).toDevice(device, false);
  }
}
