package io.longstream.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryPartsTest {

  @Test
  void shouldSplitSentencesWithoutCrossingParagraphs() {
    String text = "First sentence here. Second one follows\n\nA new paragraph. Last!";
    List<Sentences.Sentence> s = Sentences.split(text);
    assertThat(s).extracting(x -> text.substring(x.start(), x.end()))
        .containsExactly("First sentence here.", "Second one follows", "A new paragraph.", "Last!");
  }

  @Test
  void shouldPreferRelevantThenDiverseSentencesInDocumentOrder() {
    float[] doc = {1, 0, 0};
    var relevant = new ExtractiveSummary.Candidate(0, new float[] {1, 0, 0});
    var duplicate = new ExtractiveSummary.Candidate(1, new float[] {1, 0, 0});
    var diverse = new ExtractiveSummary.Candidate(2, new float[] {0.8f, 0.6f, 0});
    var chosen = ExtractiveSummary.choose(List.of(duplicate, diverse, relevant), doc, 2, 0.5);
    assertThat(chosen).extracting(ExtractiveSummary.Choice::index).containsExactly(1, 2);
    assertThat(chosen.get(1).score()).isEqualTo(0.8f);
  }

  @Test
  void shouldBucketPositionsByDoubling() {
    assertThat(ExtrapolationTracker.bucketLabel(5)).isEqualTo("0-128");
    assertThat(ExtrapolationTracker.bucketLabel(128)).isEqualTo("128-256");
    assertThat(ExtrapolationTracker.bucketLabel(5000)).isEqualTo("4096-8192");
  }
}
