package io.longstream.app.cli;

import io.longstream.model.training.Corpus;
import io.longstream.schemas.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Real English documents the bundled model was not trained on, for the demo and the reliability harnesses:
 * Europarl's lines are ~1,000-character fragments in 21 languages, so the English lines are taken from the
 * end of the corpus backwards (the held-out 2 % first) and joined with blank lines into documents of at
 * least {@code minChars} characters. When more documents are asked for than the ~1.3 M English characters
 * make, the walk wraps around and documents repeat text under new ids.
 */
public final class SampleDocuments {

  private static final Set<String> FUNCTION_WORDS = Set.of("the", "of", "and", "to", "that", "is", "we");

  private SampleDocuments() {}

  /** {@code count} documents with ids {@code europarl-1..count}, each of {@code minChars}+ characters. */
  public static List<Document> europarl(int count, int minChars) {
    return europarl("europarl-", count, minChars);
  }

  /** As {@link #europarl(int, int)}, with ids {@code idPrefix + 1..count}. */
  public static List<Document> europarl(String idPrefix, int count, int minChars) {
    List<String> english = Corpus.europarl().documents().stream().filter(SampleDocuments::looksEnglish).toList();
    if (english.isEmpty()) {
      throw new IllegalStateException("the corpus has no English text");
    }
    List<Document> picked = new ArrayList<>(count);
    StringBuilder text = new StringBuilder();
    for (long step = 0; picked.size() < count; step++) {
      String line = english.get(english.size() - 1 - (int) (step % english.size()));
      text.append(text.length() == 0 ? "" : "\n\n").append(line);
      if (text.length() >= minChars) {
        String id = idPrefix + (picked.size() + 1);
        picked.add(new Document(id, text.toString(), null, "europarl (held out)", Map.of(), Instant.now()));
        text.setLength(0);
      }
    }
    return picked;
  }

  /** A cheap filter: English function words make up a visible share of the words. */
  static boolean looksEnglish(String text) {
    String[] words = text.toLowerCase(Locale.ROOT).split("\\W+");
    int hits = 0;
    for (String w : words) {
      if (FUNCTION_WORDS.contains(w)) {
        hits++;
      }
    }
    return words.length > 0 && hits * 8 > words.length;
  }
}
