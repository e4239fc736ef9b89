package io.longstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteTokenizerTest {

  /** ASCII, Latin-1, Greek, CJK, an astral emoji (two UTF-16 chars), control and whitespace runs. */
  static final String TEXT = "Hello,  wörld!\tΚαλημέρα 世界 🙂 a\u0000b\r\n  end ";

  static TextTokenizer tokenizer;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, ByteTokenizer.tokenizerJson());
    tokenizer = TextTokenizer.load(file);
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void shouldEncodeEveryUtf8ByteAsItsOwnIdInDjl() {
    TokenizedText tokens = tokenizer.encode(TEXT, false);
    int[] bytes = ByteTokenizer.encode(TEXT);
    assertThat(tokens.ids()).containsExactly(java.util.Arrays.stream(bytes).asLongStream().toArray());
  }

  @Test
  void shouldPrependBosWhenAddingSpecialTokens() {
    TokenizedText tokens = tokenizer.encode("ab", true);
    assertThat(tokens.ids()).containsExactly(ByteTokenizer.BOS, 'a', 'b');
  }

  @Test
  void shouldDecodeBackToTheSameText() {
    long[] ids = java.util.Arrays.stream(ByteTokenizer.encode(TEXT)).asLongStream().toArray();
    assertThat(tokenizer.decode(ids)).isEqualTo(TEXT);
  }

  @Test
  void shouldGiveEachByteTheUtf16SpanOfItsCharacterEvenPastAnEmoji() {
    TokenizedText tokens = tokenizer.encode(TEXT, false);
    int token = 0;
    for (int c = 0; c < TEXT.length(); ) {
      int cp = TEXT.codePointAt(c);
      int chars = Character.charCount(cp);
      int bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      for (int b = 0; b < bytes; b++, token++) {
        assertThat(TEXT.substring(tokens.charStarts()[token], tokens.charEnds()[token]))
            .as("span of byte %d of the character at %d", b, c)
            .isEqualTo(TEXT.substring(c, c + chars));
      }
      c += chars;
    }
    assertThat(token).isEqualTo(tokens.size());
  }
}
