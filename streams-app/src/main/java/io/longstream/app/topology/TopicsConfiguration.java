package io.longstream.app.topology;

import io.longstream.app.config.LongstreamProperties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin.NewTopics;

/**
 * Creates the service's topics at start-up when missing, through Spring Kafka's KafkaAdmin (which runs before
 * Kafka Streams starts, and with spring.kafka.admin.fail-fast=true stops the start-up if it cannot).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "longstream.topics.create", matchIfMissing = true)
class TopicsConfiguration {

  /** Room for the record overhead (key, headers, batch header) above the largest accepted value. */
  private static final long RECORD_OVERHEAD_BYTES = 64 * 1024;

  @Bean
  NewTopics longstreamNewTopics(LongstreamProperties properties) {
    LongstreamProperties.Topics topics = properties.topics();
    // Large values only travel on the input topic and, when payloads are kept, the DLQ.
    String maxMessageBytes = String.valueOf(properties.limits().maxDocumentBytes().toBytes() + RECORD_OVERHEAD_BYTES);
    return new NewTopics(
        topic(topics, topics.input()).config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes).build(),
        topic(topics, topics.windows()).build(),
        topic(topics, topics.summaries()).build(),
        topic(topics, topics.metrics()).build(),
        topic(topics, topics.dlq()).config(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes).build());
  }

  private static TopicBuilder topic(LongstreamProperties.Topics topics, String name) {
    return TopicBuilder.name(name).partitions(topics.partitions()).replicas(topics.replication());
  }
}
