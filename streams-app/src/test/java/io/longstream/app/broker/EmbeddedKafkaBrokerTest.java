package io.longstream.app.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;

class EmbeddedKafkaBrokerTest {

  @TempDir Path dataDir;

  @Test
  void shouldServeRecordsAndKeepThemAcrossARestartOnTheSameDirectory() throws Exception {
    String clusterId;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, 0)) {
      clusterId = broker.clusterId();
      createTopic(broker.bootstrapServers());
      produce(broker.bootstrapServers(), "k", "hello");
      assertThat(consumeAll(broker.bootstrapServers())).containsExactly("k=hello");
      assertThat(Files.readString(dataDir.resolve(EmbeddedKafkaBroker.BOOTSTRAP_FILE)).strip())
          .isEqualTo(broker.bootstrapServers());
    }
    assertThat(dataDir.resolve(EmbeddedKafkaBroker.BOOTSTRAP_FILE)).doesNotExist();

    try (EmbeddedKafkaBroker restarted = EmbeddedKafkaBroker.start(dataDir, 0)) {
      assertThat(restarted.clusterId()).isEqualTo(clusterId);
      produce(restarted.bootstrapServers(), "k2", "again");
      assertThat(consumeAll(restarted.bootstrapServers())).containsExactly("k=hello", "k2=again");
    }
  }

  @Test
  void shouldNotStartABrokerWhenBootstrapServersAreSet() {
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test",
          Map.of(EmbeddedBrokerInitializer.BOOTSTRAP, "kafka.example:9092", "longstream.broker.data-dir", dataDir.toString())));

      new EmbeddedBrokerInitializer().initialize(context);

      assertThat(context.getBeanFactory().containsSingleton(EmbeddedBrokerInitializer.BEAN_NAME)).isFalse();
      assertThat(dataDir).isEmptyDirectory();
    }
  }

  @Test
  void shouldFailFastWithoutBootstrapServersAndWithoutBroker() {
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test",
          Map.of("longstream.broker.enabled", "false")));

      assertThatThrownBy(() -> new EmbeddedBrokerInitializer().initialize(context))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("set spring.kafka.bootstrap-servers=host:port");
    }
  }

  @Test
  void shouldExplainAProductionBuildWithoutBrokerJars() {
    ClassLoader withoutKafkaServer = new ClassLoader(null) {};

    assertThatThrownBy(() -> EmbeddedBrokerInitializer.checkAvailable(BrokerProperties.defaults(), withoutKafkaServer))
        .hasMessageContaining("this build has no embedded broker");
  }

  private static void createTopic(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
    }
  }

  private static void produce(String bootstrap, String key, String value) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("t", key, value)).get();
    }
  }

  private static List<String> consumeAll(String bootstrap) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    List<String> seen = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition("t", 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long end = consumer.endOffsets(Set.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          seen.add(record.key() + "=" + record.value());
        }
      }
    }
    return seen;
  }
}
