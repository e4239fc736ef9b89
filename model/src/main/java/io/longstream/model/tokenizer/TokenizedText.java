package io.longstream.model.tokenizer;

/**
 * Token ids of a text with the character span of each token: token i covers {@code
 * text.substring(charStarts[i], charEnds[i])} (Java UTF-16 indices). Special tokens added by the tokenizer
 * (e.g. BOS) have an empty span at their insertion point.
 */
public record TokenizedText(long[] ids, int[] charStarts, int[] charEnds) {

  public int size() {
    return ids.length;
  }
}
