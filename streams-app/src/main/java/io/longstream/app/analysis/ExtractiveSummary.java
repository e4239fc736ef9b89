package io.longstream.app.analysis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the k sentences that best summarise a document by maximal marginal relevance (Carbonell and
 * Goldstein 1998): repeatedly take the sentence maximising λ·cos(s, d) − (1 − λ)·max cos(s, chosen), where d is
 * the document embedding; return them in document order. All vectors are L2-normalised, so cos is a dot
 * product.
 */
final class ExtractiveSummary {

  /** A candidate sentence: its index in the document and its embedding. */
  record Candidate(int index, float[] embedding) {}

  /** A chosen sentence and its similarity to the document. */
  record Choice(int index, float score) {}

  private ExtractiveSummary() {}

  static List<Choice> choose(List<Candidate> candidates, float[] document, int k, double lambda) {
    List<Candidate> pool = new ArrayList<>(candidates);
    List<Candidate> chosen = new ArrayList<>();
    while (chosen.size() < k && !pool.isEmpty()) {
      Candidate best = null;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (Candidate c : pool) {
        double redundancy = 0;
        for (Candidate s : chosen) {
          redundancy = Math.max(redundancy, dot(c.embedding(), s.embedding()));
        }
        double score = lambda * dot(c.embedding(), document) - (1 - lambda) * (chosen.isEmpty() ? 0 : redundancy);
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      chosen.add(best);
      pool.remove(best);
    }
    return chosen.stream()
        .map(c -> new Choice(c.index(), (float) dot(c.embedding(), document)))
        .sorted(Comparator.comparingInt(Choice::index))
        .toList();
  }

  static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }
}
