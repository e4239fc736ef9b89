package io.longstream.app.health;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Health of the Kafka Streams client (neither Boot nor spring-kafka ships one): UP while RUNNING or
 * REBALANCING, DOWN in every other state, with the state as detail. The factory bean comes through an
 * ObjectProvider because it depends, indirectly, on beans that health depends on.
 */
@Component("kafkaStreams")
class KafkaStreamsHealthIndicator implements HealthIndicator {

  private final ObjectProvider<StreamsBuilderFactoryBean> factory;

  KafkaStreamsHealthIndicator(ObjectProvider<StreamsBuilderFactoryBean> factory) {
    this.factory = factory;
  }

  @Override
  public Health health() {
    StreamsBuilderFactoryBean bean = factory.getIfAvailable();
    KafkaStreams streams = bean == null ? null : bean.getKafkaStreams();
    if (streams == null) {
      return Health.down().withDetail("state", "NOT_CREATED").build();
    }
    KafkaStreams.State state = streams.state();
    Health.Builder health = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING
        ? Health.up()
        : Health.down();
    return health.withDetail("state", state.name()).withDetail("threads", streams.metadataForLocalThreads().size()).build();
  }
}
