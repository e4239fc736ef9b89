package io.longstream.model.tokenizer;

import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The largest token id a {@code tokenizer.json} can produce: the ids of its model vocabulary (a token → id
 * map for BPE, WordPiece and WordLevel; a list whose index is the id for Unigram), of its added tokens, and of
 * its post-processor's special tokens. A model can embed only ids below its {@code vocab_size}.
 */
final class TokenizerVocabulary {

  private TokenizerVocabulary() {}

  /** The largest id in {@code file}, or -1 when it declares none. */
  static long maxId(Path file) {
    JsonNode root;
    try {
      root = JsonMapper.builder().build().readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IllegalArgumentException("invalid tokenizer " + file + ": " + e.getOriginalMessage(), e);
    }
    long max = -1;
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) {
      for (JsonNode id : vocab.values()) {
        max = Math.max(max, id.asLong(-1));
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1L;
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asLong(-1));
    }
    for (JsonNode special : root.path("post_processor").path("special_tokens").values()) {
      for (JsonNode id : special.path("ids")) {
        max = Math.max(max, id.asLong(-1));
      }
    }
    return max;
  }
}
