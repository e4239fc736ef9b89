package io.longstream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.app.config.LongstreamProperties.DType;
import io.longstream.app.config.LongstreamProperties.PositionsMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class LongstreamPropertiesTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(LongstreamProperties.class)
  static class Bound {}

  private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

  @Test
  void shouldBindTheDocumentedDefaults() {
    runner.run(context -> {
      LongstreamProperties properties = context.getBean(LongstreamProperties.class);
      assertThat(properties.topics().input()).isEqualTo("documents");
      assertThat(properties.topics().dlq()).isEqualTo("dlq");
      assertThat(properties.topics().partitions()).isEqualTo(3);
      assertThat(properties.model().device()).isEqualTo("cpu");
      assertThat(properties.model().dtype()).isEqualTo(DType.FLOAT32);
      assertThat(properties.streaming().sinks()).isEqualTo(4);
      assertThat(properties.streaming().chunk()).isZero(); // chosen from the model's trained context
      assertThat(properties.streaming().positions()).isEqualTo(PositionsMode.ROLLING);
      assertThat(properties.diagnostics().samplingRate()).isEqualTo(0.1);
      assertThat(properties.limits().maxDocumentBytes()).isEqualTo(DataSize.ofMegabytes(8));
      assertThat(properties.dlq().keepPayload()).isFalse();
    });
  }

  @Test
  void shouldBindRelaxedNamesAndUnits() {
    runner.withPropertyValues("longstream.streaming.positions=absolute", "longstream.limits.max-document-bytes=512KB",
        "longstream.model.dtype=bfloat16", "longstream.model.device=gpu:1").run(context -> {
          LongstreamProperties properties = context.getBean(LongstreamProperties.class);
          assertThat(properties.streaming().positions()).isEqualTo(PositionsMode.ABSOLUTE);
          assertThat(properties.limits().maxDocumentBytes().toBytes()).isEqualTo(512 * 1024);
          assertThat(properties.model().dtype()).isEqualTo(DType.BFLOAT16);
        });
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "longstream.streaming.chunk=-1             | streaming.chunk            | must be greater than or equal to 0",
    "longstream.streaming.sinks=-1             | streaming.sinks            | must be greater than or equal to 0",
    "longstream.diagnostics.sampling-rate=1.5  | diagnostics.samplingRate   | must be less than or equal to 1.0",
    "longstream.model.device=tpu               | model.device               | must be cpu, gpu or gpu:N",
    "longstream.model.path=/no/such/checkpoint | model.pathUsable           | must be an existing checkpoint directory",
    "longstream.topics.partitions=0            | topics.partitions          | must be greater than or equal to 1",
    "longstream.topics.dlq=documents           | topics.distinct            | topic names",
    "longstream.limits.max-document-bytes=1GB  | limits.maxDocumentBytesInRange | between 1B and 512MB",
    "longstream.limits.max-tokens=0            | limits.maxTokens           | must be greater than or equal to 1",
  })
  void shouldRefuseToStartWithAClearMessage(String property, String field, String message) {
    runner.withPropertyValues(property).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(field).hasMessageContaining(message);
    });
  }

  @Test
  void shouldRefuseAnUnknownPositionsMode() {
    runner.withPropertyValues("longstream.streaming.positions=sideways").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).cause().hasMessageContaining("longstream.streaming.positions");
    });
  }
}
