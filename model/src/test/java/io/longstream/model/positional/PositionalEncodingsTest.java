package io.longstream.model.positional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.longstream.model.TinyModels;
import io.longstream.model.config.ModelConfigException;
import io.longstream.model.config.ModelConfigParser;
import org.junit.jupiter.api.Test;

class PositionalEncodingsTest {

  @Test
  void shouldRegisterEverySchemeByName() {
    assertThat(PositionalEncodings.known()).containsExactly("alibi", "learned", "nope", "rope", "sinusoidal", "t5");
    for (String name : PositionalEncodings.known()) {
      var config = ModelConfigParser.parse(TinyModels.configJson(name, 1));
      if (name.equals("learned") || name.equals("t5")) {
        assertThatThrownBy(() -> PositionalEncodings.create(config, DataType.FLOAT32))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("model.positional." + name);
      } else {
        assertThat(PositionalEncodings.create(config, DataType.FLOAT32).name()).isEqualTo(name);
      }
    }
  }

  @Test
  void shouldRejectAnUnknownSchemeInTheConfigListingTheKnownOnes() {
    assertThatThrownBy(() -> ModelConfigParser.parse(TinyModels.configJson("xpos", 1)))
        .isInstanceOf(ModelConfigException.class)
        .hasMessageContaining("'xpos'")
        .hasMessageContaining("alibi, learned, nope, rope, sinusoidal, t5");
  }

  @Test
  void shouldLeaveEverythingUnchangedWithNope() {
    NoPositionalEncoding nope = new NoPositionalEncoding();
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      NDArray x = manager.ones(new Shape(1, 2, 3, 4));
      PositionalStep step = nope.prepare(manager, StepPositions.selfAttention(new long[] {0, 5}));
      assertThat(step.embed(x)).isSameAs(x);
      assertThat(step.queries(x)).isSameAs(x);
      assertThat(step.keys(x)).isSameAs(x);
      assertThat(step.attentionBias()).isNull();
    }
    assertThat(nope.namedParameters()).isEmpty();
  }
}
