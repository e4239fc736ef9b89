package io.longstream.app.analysis;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a document into sentences: paragraphs (separated by a blank line) first, then the JDK's
 * locale-aware sentence boundaries inside each, so a sentence never spans a paragraph break.
 */
final class Sentences {

  /** A sentence's [start, end) in the text (UTF-16 indices), trimmed of surrounding white space. */
  record Sentence(int start, int end) {}

  private Sentences() {}

  private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n");

  static List<Sentence> split(String text) {
    List<Sentence> sentences = new ArrayList<>();
    Matcher breaks = PARAGRAPH_BREAK.matcher(text);
    int from = 0;
    while (breaks.find()) {
      addSentences(text, from, breaks.start(), sentences);
      from = breaks.end();
    }
    addSentences(text, from, text.length(), sentences);
    return sentences;
  }

  private static void addSentences(String text, int from, int to, List<Sentence> sentences) {
    BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ROOT);
    boundaries.setText(text.substring(from, to));
    int start = boundaries.first();
    for (int end = boundaries.next(); end != BreakIterator.DONE; start = end, end = boundaries.next()) {
      int s = from + start;
      int e = from + end;
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
  }
}
