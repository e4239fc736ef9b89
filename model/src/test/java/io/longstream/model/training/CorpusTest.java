package io.longstream.model.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CorpusTest {

  static Corpus documents(int n) {
    return new Corpus("test", IntStream.range(0, n).mapToObj(i -> "doc " + i).toList());
  }

  @Test
  void shouldHoldOutTheLastFractionOfTheDocumentsInOrder() {
    Corpus corpus = documents(200);
    assertThat(corpus.heldOut(0.02).documents()).containsExactly("doc 196", "doc 197", "doc 198", "doc 199");
    assertThat(corpus.training(0.02).documents()).hasSize(196).startsWith("doc 0").endsWith("doc 195");
  }

  @Test
  void shouldKeepAtLeastOneDocumentOnEachSide() {
    assertThat(documents(10).heldOut(0.01).documents()).containsExactly("doc 9");
    assertThat(documents(2).heldOut(0.9).documents()).containsExactly("doc 1");
    assertThat(documents(2).training(0.9).documents()).containsExactly("doc 0");
    assertThatThrownBy(() -> documents(1).heldOut(0.5)).hasMessageContaining("at least 2 documents");
    assertThatThrownBy(() -> documents(10).heldOut(1.0)).hasMessageContaining("(0, 1)");
  }

  @Test
  void shouldSplitTokensAlongTheSameDocuments() {
    Corpus corpus = new Corpus("test", List.of("ab", "c", "de"));
    TokenSplit split = TokenSplit.of(corpus, 0.34);
    assertThat(split.train()).containsExactly(256, 'a', 'b', 256, 'c');
    assertThat(split.validation()).containsExactly(256, 'd', 'e');
  }
}
