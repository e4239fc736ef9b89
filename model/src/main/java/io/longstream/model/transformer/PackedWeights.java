package io.longstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.longstream.model.transformer.TorchScriptKernels.PackedWeight;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model's linear weights in oneDNN's blocked layout ({@link TorchScriptKernels#pack}), for inference in
 * float32 on a CPU: every layer's projections, packed when the model is built, and the LM head in slices of
 * vocabulary entries, packed on first use for each slice width a caller asks for (an engine uses one). The
 * packed copies sit beside the plain weights, which training, checkpoints, embeddings, the full-vocabulary
 * logits and the weights that cannot be packed use, and are freed with them (they belong to the same
 * manager). Thread-safe.
 */
final class PackedWeights {

  /** One decoder layer's projections, as in {@link LayerWeights}; null where a weight could not be packed. */
  record Layer(PackedWeight qkv, PackedWeight output, PackedWeight gateUp, PackedWeight down) {}

  private final TorchScriptKernels kernels;
  private final NDArray lmHead;
  private final List<Layer> layers;
  private final Map<Integer, List<PackedWeight>> headSlices = new ConcurrentHashMap<>();

  PackedWeights(TorchScriptKernels kernels, DecoderWeights weights) {
    this.kernels = kernels;
    this.lmHead = weights.lmHead();
    List<Layer> packed = new ArrayList<>();
    for (LayerWeights w : weights.layers()) {
      packed.add(new Layer(kernels.pack(w.qkv()), kernels.pack(w.output()), kernels.pack(w.gateUp()), kernels.pack(w.down())));
    }
    this.layers = List.copyOf(packed);
  }

  Layer layer(int index) {
    return layers.get(index);
  }

  /**
   * The LM head's rows in consecutive slices of {@code columns} entries (the last one may be shorter); null where a
   * slice could not be packed.
   */
  List<PackedWeight> headSlices(int columns) {
    return headSlices.computeIfAbsent(columns, c -> {
      long vocabulary = lmHead.getShape().get(0);
      List<PackedWeight> slices = new ArrayList<>();
      for (long from = 0; from < vocabulary; from += c) {
        try (NDArray rows = lmHead.get(new NDIndex("{}:{}", from, Math.min(vocabulary, from + c)))) {
          slices.add(kernels.pack(rows));
        }
      }
      return Collections.unmodifiableList(slices);
    });
  }
}
