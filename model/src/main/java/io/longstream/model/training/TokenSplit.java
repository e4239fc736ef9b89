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
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + validationFraction);
    }
    List<String> docs = corpus.documents();
    if (docs.size() < 2) {
      throw new IllegalArgumentException("corpus " + corpus.name() + " needs at least 2 documents to hold one out");
    }
    int held = Math.max(1, (int) Math.round(docs.size() * validationFraction));
    return new TokenSplit(stream(docs.subList(0, docs.size() - held)), stream(docs.subList(docs.size() - held, docs.size())));
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
