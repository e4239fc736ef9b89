package io.longstream.model.transformer;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * All tensors of a decoder-only model, loaded once and shared read-only by every document.
 *
 * @param embedding token embeddings [V, D]
 * @param layers one entry per decoder layer
 * @param finalNorm RMSNorm weight after the last layer [D]
 * @param lmHead output projection [V, D]; the same array as {@code embedding} when tied
 */
public record DecoderWeights(NDArray embedding, List<LayerWeights> layers, NDArray finalNorm, NDArray lmHead) {

  /** Every distinct array, e.g. to mark parameters for training. */
  public List<NDArray> parameters() {
    var all = new java.util.ArrayList<NDArray>();
    all.add(embedding);
    for (LayerWeights l : layers) {
      for (NDArray a : new NDArray[] {l.inputNorm(), l.qkv(), l.qkvBias(), l.output(), l.postAttentionNorm(), l.gateUp(), l.down()}) {
        if (a != null) {
          all.add(a);
        }
      }
    }
    all.add(finalNorm);
    if (lmHead != embedding) {
      all.add(lmHead);
    }
    return all;
  }
}
