package io.longstream.model.training;

import io.longstream.model.tokenizer.ByteTokenizer;
import java.util.List;

/**
 * A corpus tokenized into two token streams: training and held-out validation. Each document becomes
 * {@code <s>} followed by its UTF-8 bytes, documents back to back. The last {@code validationFraction} of
 * the documents (in corpus order, at least one) form the validation stream, so the split is the same on
 * every run.
 *
 * @param train training tokens
 * @param validation held-out tokens
 */
public record TokenSplit(int[] train, int[] validation) {

  public static TokenSplit of(Corpus corpus, double validationFraction) {
    return new TokenSplit(
        stream(corpus.training(validationFraction).documents()), stream(corpus.heldOut(validationFraction).documents()));
  }

  private static int[] stream(List<String> documents) {
    List<int[]> encoded = documents.stream().map(ByteTokenizer::encode).toList();
    int[] out = new int[encoded.stream().mapToInt(e -> e.length + 1).sum()];
    int at = 0;
    for (int[] doc : encoded) {
      out[at++] = ByteTokenizer.BOS;
      System.arraycopy(doc, 0, out, at, doc.length);
      at += doc.length;
    }
    return out;
  }
}
