package io.longstream.app.topology;

import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.config.LongstreamProperties;
import io.longstream.app.health.StreamsStateClock;
import io.longstream.app.input.DocumentClassifier;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Wires {@link LongstreamTopology} into Spring Kafka's {@link StreamsBuilder}. Streams settings
 * (exactly_once_v2, poll sizing) live in application.yml under spring.kafka.streams, where they can be
 * overridden like any Boot property.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaStreams
class TopologyConfiguration {

  private static final Logger log = LoggerFactory.getLogger(TopologyConfiguration.class);

  /** Bound on the start-up lookup of dangling transactions (each admin call). */
  private static final Duration DANGLING_LOOKUP_TIMEOUT = Duration.ofSeconds(10);

  @Bean
  LongstreamTopics longstreamTopics(LongstreamProperties properties) {
    return LongstreamTopics.of(properties.topics());
  }

  @Bean
  LongstreamTopology longstreamTopology(StreamsBuilder builder, LongstreamTopics topics,
      LongstreamProperties properties, ObjectProvider<DocumentAnalyzer> analyzer, MeterRegistry meters) {
    LongstreamProperties.Limits limits = properties.limits();
    DocumentAnalyzer engine = analyzer.getIfAvailable();
    if (engine == null) {
      log.warn("No DocumentAnalyzer bean: accepted documents are validated and counted but not analysed yet");
    }
    LongstreamTopology topology = new LongstreamTopology(topics,
        new DocumentClassifier(limits.maxDocumentBytes().toBytes()), engine, limits.maxTokens(),
        properties.dlq().keepPayload(), Clock.systemUTC(), meters);
    topology.build(builder);
    return topology;
  }

  /**
   * A failing stream thread is replaced rather than shutting the client down: with exactly-once the record
   * in flight was not committed and is processed again by the new thread, so nothing is lost.
   *
   * <p>A graceful stop (SIGTERM, scale-down) leaves the consumer group, so the stopped instance's partitions
   * move to the others at once instead of after {@code session.timeout.ms} (45 s: measured by ScaleOutIT).
   * Except for static members ({@code group.instance.id}, as deploy/k8s configures): they keep their
   * partitions across a restart, which is what static membership is for.
   *
   * <p>Before the threads start, transactions left open by a crashed earlier run are aborted
   * ({@link DanglingTransactions}); otherwise they would stall this run until the broker's transaction timeout.
   */
  @Bean
  StreamsBuilderFactoryBeanConfigurer longstreamStreamsConfigurer(KafkaAdmin kafkaAdmin, StreamsStateClock stateClock) {
    return factory -> {
      String instanceId = staticInstanceId(factory.getStreamsConfiguration());
      factory.setLeaveGroupOnClose(instanceId == null);
      factory.setStreamsUncaughtExceptionHandler(e -> {
        log.error("stream thread failed; replacing it", e);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      });
      factory.setStateListener((now, before) -> {
        stateClock.transitioned();
        log.info("Kafka Streams {} -> {}", before, now);
      });
      factory.setKafkaStreamsCustomizer(streams -> {
        String applicationId = factory.getStreamsConfiguration().getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        try (Admin admin = Admin.create(kafkaAdmin.getConfigurationProperties())) {
          DanglingTransactions.fence(admin, applicationId, instanceId, DANGLING_LOOKUP_TIMEOUT);
        }
      });
    };
  }

  /** The group.instance.id the Streams configuration gives its consumers (any prefixed form), or null. */
  static String staticInstanceId(Properties streams) {
    if (streams == null) {
      return null;
    }
    return Stream.of("", "consumer.", "main.consumer.")
        .map(prefix -> streams.getProperty(prefix + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG))
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
  }
}
