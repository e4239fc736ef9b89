package io.longstream.app.cli;

import io.longstream.schemas.wire.LongstreamSerdes;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code longstream consume --topic windows|summaries|metrics|dlq}: prints records as JSON lines. Reads with
 * isolation.level=read_committed (the service writes in exactly-once transactions) and without a consumer
 * group: it assigns all partitions itself and commits nothing.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Print the records of an output topic as JSON lines (read_committed).")
final class ConsumeCommand implements Callable<Integer> {

  /** The output topics, by kind. */
  enum OutputTopic {
    windows(LongstreamSerdes.windowEmbedding()),
    summaries(LongstreamSerdes.documentSummary()),
    metrics(LongstreamSerdes.windowMetrics()),
    dlq(LongstreamSerdes.deadLetter());

    private final Deserializer<?> deserializer;

    OutputTopic(Deserializer<?> deserializer) {
      this.deserializer = deserializer;
    }
  }

  private static final Duration POLL = Duration.ofMillis(500);

  @Option(names = "--topic", required = true, paramLabel = "windows|summaries|metrics|dlq", description = "which output topic")
  private OutputTopic topic;

  @Option(names = "--topic-name", paramLabel = "NAME", description = "actual topic name, when longstream.topics.* renamed it")
  private String topicName;

  @Option(names = "--from-beginning", description = "start at the oldest record instead of the end")
  private boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "stop after N records")
  private Long max;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "stop after this many seconds without a record")
  private Long timeoutSeconds;

  @Mixin private KafkaOptions kafka;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    String name = topicName == null ? topic.name() : topicName;
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      assignAll(consumer, name);
      consume(consumer, spec.commandLine().getOut());
    }
    return 0;
  }

  private void assignAll(KafkaConsumer<String, byte[]> consumer, String name) {
    List<TopicPartition> partitions = consumer.partitionsFor(name, Duration.ofSeconds(15)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
    if (partitions.isEmpty()) {
      throw new IllegalStateException("topic " + name + " does not exist at " + kafka.bootstrapServers());
    }
    consumer.assign(partitions);
    if (fromBeginning) {
      consumer.seekToBeginning(partitions);
    } else {
      consumer.seekToEnd(partitions);
    }
  }

  private void consume(KafkaConsumer<String, byte[]> consumer, PrintWriter out) {
    long printed = 0;
    long idleSince = System.nanoTime();
    while (max == null || printed < max) {
      for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
        out.println(json(record));
        idleSince = System.nanoTime();
        if (max != null && ++printed >= max) {
          break;
        }
      }
      out.flush();
      if (timeoutSeconds != null && System.nanoTime() - idleSince > Duration.ofSeconds(timeoutSeconds).toNanos()) {
        break;
      }
    }
  }

  private String json(ConsumerRecord<String, byte[]> record) {
    try {
      return AvroJson.toJson(topic.deserializer.deserialize(record.topic(), record.value()));
    } catch (RuntimeException e) {
      // One undecodable record must not stop the listing: report it in place.
      return AvroJson.error(record.topic(), record.partition(), record.offset(), e.getMessage());
    }
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.CLIENT_ID_CONFIG, "longstream-consume-" + UUID.randomUUID());
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }
}
