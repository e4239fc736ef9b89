package io.longstream.app.health;

import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * Health of the Kafka Streams client (neither Boot nor spring-kafka ships one): UP while RUNNING or
 * REBALANCING, DOWN in every other state, with the state and since when (stateSince), the stream threads and
 * the input partitions this instance processes (activeTasks) as details. The factory bean comes through an
 * ObjectProvider because it depends, indirectly, on beans that health depends on.
 */
@Component("kafkaStreams")
class KafkaStreamsHealthIndicator implements HealthIndicator {

  private final ObjectProvider<StreamsBuilderFactoryBean> factory;
  private final StreamsStateClock stateClock;

  KafkaStreamsHealthIndicator(ObjectProvider<StreamsBuilderFactoryBean> factory, StreamsStateClock stateClock) {
    this.factory = factory;
    this.stateClock = stateClock;
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
    Set<ThreadMetadata> threads = streams.metadataForLocalThreads();
    return health.withDetail("state", state.name())
        .withDetail("stateSince", stateClock.since().toString())
        .withDetail("threads", threads.size())
        .withDetail("activeTasks", inputPartitions(threads))
        .build();
  }

  /** The input partitions this instance processes ("documents-3"), sorted: which instance owns what. */
  private static List<String> inputPartitions(Set<ThreadMetadata> threads) {
    return threads.stream()
        .flatMap(thread -> thread.activeTasks().stream())
        .flatMap(task -> task.topicPartitions().stream())
        .map(TopicPartition::toString)
        .sorted()
        .toList();
  }
}
