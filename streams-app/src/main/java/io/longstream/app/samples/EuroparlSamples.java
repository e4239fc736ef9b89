package io.longstream.app.samples;

import io.longstream.model.training.Corpus;
import io.longstream.schemas.Document;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Real English documents the model was not trained on, for the demo, the Kafka benchmark and the end-to-end
 * tests. Europarl's lines are ~1,000-character fragments in 21 languages, so the English lines of the
 * held-out split (the corpus's last 2 %, then earlier lines if needed) are joined in reverse corpus order,
 * with a blank line between them, into documents of at least {@code minChars} characters.
 */
public final class EuroparlSamples {

  private static final Set<String> FUNCTION_WORDS = Set.of("the", "of", "and", "to", "that", "is", "we");

  private EuroparlSamples() {}

  /**
   * {@code count} documents (fewer only if the corpus runs out), ids {@code idPrefix + 1..count}, source
   * "europarl (held out)". Deterministic: the same arguments give the same texts.
   */
  public static List<Document> english(int count, int minChars, String idPrefix) {
    if (count < 1 || minChars < 1) {
      throw new IllegalArgumentException("count and minChars must be ≥ 1, got " + count + " and " + minChars);
    }
    List<String> all = Corpus.europarl().documents();
    List<Document> picked = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = all.size() - 1; i >= 0 && picked.size() < count; i--) {
      if (!looksEnglish(all.get(i))) {
        continue;
      }
      text.append(text.length() == 0 ? "" : "\n\n").append(all.get(i));
      if (text.length() >= minChars) {
        String id = idPrefix + (picked.size() + 1);
        picked.add(new Document(id, text.toString(), null, "europarl (held out)", Map.of(), Instant.now()));
        text.setLength(0);
      }
    }
    if (picked.isEmpty()) {
      throw new IllegalStateException("the corpus has no English text of " + minChars + "+ characters");
    }
    return picked;
  }

  /** A cheap filter: English function words make up a visible share of the words. */
  public static boolean looksEnglish(String text) {
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
