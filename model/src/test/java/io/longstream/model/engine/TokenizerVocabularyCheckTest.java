package io.longstream.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A tokenizer.json whose ids do not fit config.json's vocab_size is refused when the model loads. */
class TokenizerVocabularyCheckTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  @Test
  void shouldLoadTheBundledModelWhoseTokenizerFitsItsVocabulary() {
    try (LanguageModel lm = LanguageModel.load(BundledModels.directory(BundledModels.DEFAULT), EngineOptions.cpu())) {
      assertThat(lm.tokenizer().maxTokenId()).isEqualTo(lm.config().vocabSize() - 1);
    }
  }

  @Test
  void shouldRefuseATokenizerWithIdsBeyondTheVocabularyNamingBothNumbers() throws IOException {
    Path model = copyOfBundledModel();
    Path tokenizer = model.resolve("tokenizer.json");
    JsonNode json = JSON.readTree(tokenizer.toFile());
    for (JsonNode added : json.get("added_tokens")) {
      ((ObjectNode) added).put("id", added.get("id").asInt() + 1000);
    }
    shiftSpecialTokens(json, 1000);
    Files.writeString(tokenizer, JSON.writeValueAsString(json));

    assertThatThrownBy(() -> LanguageModel.load(model, EngineOptions.cpu()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match the model")
        .hasMessageContaining("up to 1258")
        .hasMessageContaining("vocab_size 259");
  }

  private Path copyOfBundledModel() throws IOException {
    Path source = BundledModels.directory(BundledModels.DEFAULT);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, dir.resolve(file.getFileName()));
      }
    }
    return dir;
  }

  /** Moves the post-processor's special-token ids along with the added tokens, so the file stays valid. */
  static void shiftSpecialTokens(JsonNode tokenizer, int by) {
    for (JsonNode special : tokenizer.path("post_processor").path("special_tokens").values()) {
      ArrayNode ids = (ArrayNode) special.get("ids");
      for (int i = 0; i < ids.size(); i++) {
        ids.set(i, ids.get(i).asInt() + by);
      }
    }
  }
}
