package io.longstream.app.analysis;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits a document into sentences with the JDK's locale-aware sentence boundaries. */
final class Sentences {

  /** A sentence's [start, end) in the text (UTF-16 indices), trimmed of surrounding white space. */
  record Sentence(int start, int end) {}

  private Sentences() {}

  static List<Sentence> split(String text) {
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ROOT);
    boundaries.setText(text);
    List<Sentence> sentences = new ArrayList<>();
    int start = boundaries.first();
    for (int end = boundaries.next(); end != BreakIterator.DONE; start = end, end = boundaries.next()) {
      int s = start;
      int e = end;
      while (s < e && Character.isWhitespace(text.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(text.charAt(e - 1))) {
        e--;
      }
      if (e > s) {
        sentences.add(new Sentence(s, e));
      }
    }
    return sentences;
  }
}
