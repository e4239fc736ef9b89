package io.longstream.model.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} loaded through DJL's native tokenizers binding, never truncating or
 * padding: a document of any length comes back whole. Thread-safe.
 */
public final class TextTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final long maxTokenId;

  private TextTokenizer(HuggingFaceTokenizer tokenizer, long maxTokenId) {
    this.tokenizer = tokenizer;
    this.maxTokenId = maxTokenId;
  }

  /** Loads {@code tokenizer.json} (a file, or a model directory containing one). */
  public static TextTokenizer load(Path path) {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no tokenizer.json at " + file);
    }
    long maxTokenId = TokenizerVocabulary.maxId(file);
    try {
      return new TextTokenizer(
          HuggingFaceTokenizer.newInstance(
              file, Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "true")),
          maxTokenId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid tokenizer " + file + ": " + e.getMessage(), e);
    }
  }

  /** The largest token id this tokenizer can produce (its vocabulary, added and special tokens); -1 if none. */
  public long maxTokenId() {
    return maxTokenId;
  }

  /** Tokenizes {@code text}, adding the tokenizer's special tokens (e.g. BOS) when asked. */
  public TokenizedText encode(String text, boolean addSpecialTokens) {
    Encoding encoding = tokenizer.encode(text, addSpecialTokens, false);
    CharSpan[] spans = encoding.getCharTokenSpans();
    long[] ids = encoding.getIds();
    int[] starts = new int[ids.length];
    int[] ends = new int[ids.length];
    int[] utf16 = utf16Index(text);
    int last = 0;
    for (int i = 0; i < ids.length; i++) {
      CharSpan span = spans[i];
      if (span == null) {
        starts[i] = last;
        ends[i] = last;
      } else {
        starts[i] = utf16 == null ? span.getStart() : utf16[span.getStart()];
        ends[i] = utf16 == null ? span.getEnd() : utf16[span.getEnd()];
        last = ends[i];
      }
    }
    return new TokenizedText(ids, starts, ends);
  }

  /**
   * DJL's char spans count Unicode code points (Rust {@code char}s), Java indexes UTF-16 units: they differ
   * after any character outside the BMP (an emoji is one code point, two Java chars). Maps code point index
   * to UTF-16 index, or null when the text has no surrogate pair and the two agree.
   */
  private static int[] utf16Index(String text) {
    int codePoints = text.codePointCount(0, text.length());
    if (codePoints == text.length()) {
      return null;
    }
    int[] index = new int[codePoints + 1];
    for (int cp = 0, i = 0; cp < codePoints; cp++) {
      index[cp] = i;
      i += Character.charCount(text.codePointAt(i));
    }
    index[codePoints] = text.length();
    return index;
  }

  /** Decodes ids back to text. */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, false);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
