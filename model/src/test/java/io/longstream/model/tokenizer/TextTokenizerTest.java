package io.longstream.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longstream.model.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TextTokenizerTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void shouldMatchHuggingFaceIdsAndCharacterOffsets(boolean special) throws Exception {
    Path dir = Fixtures.golden("tokenizer");
    JsonNode expected = JsonMapper.builder().build().readTree(dir.resolve("expected.json").toFile());
    JsonNode side = expected.get(special ? "add_special_tokens_true" : "add_special_tokens_false");
    try (TextTokenizer tokenizer = TextTokenizer.load(dir)) {
      TokenizedText tokens = tokenizer.encode(expected.get("text").asString(), special);
      assertThat(tokens.size()).isEqualTo(side.get("ids").size());
      for (int i = 0; i < tokens.size(); i++) {
        assertThat(tokens.ids()[i]).as("id %d", i).isEqualTo(side.get("ids").get(i).asLong());
        assertThat(tokens.charStarts()[i]).as("start %d", i).isEqualTo(side.get("offsets").get(i).get(0).asInt());
        assertThat(tokens.charEnds()[i]).as("end %d", i).isEqualTo(side.get("offsets").get(i).get(1).asInt());
      }
    }
  }

  @Test
  void shouldRejectMissingTokenizerWithItsPath() {
    assertThatThrownBy(() -> TextTokenizer.load(Path.of("/nonexistent/dir")))
        .hasMessageContaining("tokenizer.json");
  }
}
