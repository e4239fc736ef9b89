package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.Document;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed between a document's sends and their commit leaves its transaction open, holding the group's
 * input offsets and output records. Its restart (static membership, as deployed) aborts that transaction at
 * start-up and goes on at once, instead of stalling until the broker's transaction timeout (docs/RELIABILITY.md).
 *
 * <p>The kill inside the commit window is made deterministic: the service is SIGKILLed while idle, then the
 * test opens a transaction under the killed run's transactional id ({@code longstream-<its process id>-1}), as
 * the run itself would have had it died mid-commit, with a timeout far beyond the test.
 */
class DanglingTransactionIT {

  private static final String INSTANCE_ID = "dangling";
  private static final Pattern STREAMS_CONSUMER = Pattern.compile("longstream-(.+)-StreamThread-\\d+-consumer");

  @TempDir Path dir;

  @Test
  void shouldAbortTheTransactionItsKilledPredecessorLeftOpenAndProcessAtOnce() throws Exception {
    Report report = new Report("dangling-transaction");
    List<Document> before = Workload.documents("dangling-before-", 1, 400);
    List<Document> after = Workload.documents("dangling-after-", 4, 400);
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.bootstrapServers(),
            Map.of("spring.kafka.streams.properties.group.instance.id", INSTANCE_ID))) {
      String bootstrap = broker.bootstrapServers();
      OutputAudit audit = new OutputAudit(bootstrap);
      service.start().awaitRunning(CrashRestartIT.STARTUP);
      Workload.publish(bootstrap, before);
      audit.awaitSummaries(ids(before), Duration.ofSeconds(120), () -> { });
      String processId = processIdOfMember(broker, INSTANCE_ID);
      service.kill();
      Instant killed = Instant.now();

      String transactionalId = "longstream-" + processId + "-1";
      try (KafkaProducer<String, byte[]> predecessor = openTransaction(broker, transactionalId)) {
        report.line("service killed; transaction %s left open with the group's offsets and a summary", transactionalId);
        Workload.publish(bootstrap, after);
        service.start().awaitRunning(CrashRestartIT.STARTUP);
        // Without the abort the summaries would wait for the 10-minute transaction timeout.
        audit.awaitSummaries(ids(after), Duration.ofSeconds(120), () -> assertThat(service.isAlive()).isTrue());
        report.line("restarted; all %d later summaries committed %d s after the kill", after.size(),
            Duration.between(killed, Instant.now()).toSeconds());
        assertThat(service.logs())
            .contains("Aborted 1 transaction(s) left open by a crashed earlier run: [" + transactionalId + "]");
        assertThat(audit.committedSummaries(List.of("dangling-predecessor"))).isEmpty();
        predecessor.close(Duration.ZERO);
      }
    }
  }

  /** The Kafka Streams process id of the group member with static id {@code instanceId}, from its client id. */
  private static String processIdOfMember(BrokerProcess broker, String instanceId) throws Exception {
    try (Admin admin = broker.admin()) {
      for (MemberDescription member : admin.describeConsumerGroups(List.of("longstream")).describedGroups()
          .get("longstream").get(30, TimeUnit.SECONDS).members()) {
        Matcher m = STREAMS_CONSUMER.matcher(member.clientId());
        if (member.groupInstanceId().filter((instanceId + "-1")::equals).isPresent() && m.matches()) {
          return m.group(1);
        }
      }
    }
    throw new AssertionError("no member with group.instance.id " + instanceId);
  }

  /**
   * A transaction under {@code transactionalId} holding the group's offsets of every input partition and a
   * summary record, left open (closing the producer would abort it).
   */
  private static KafkaProducer<String, byte[]> openTransaction(BrokerProcess broker, String transactionalId) throws Exception {
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000),
        new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
    producer.beginTransaction();
    producer.send(new ProducerRecord<>("summaries", "dangling-predecessor", new byte[] {0})).get();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    try (Admin admin = broker.admin()) {
      var partitions = admin.describeTopics(List.of("documents")).allTopicNames().get(30, TimeUnit.SECONDS)
          .get("documents").partitions();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(p -> latest.put(new TopicPartition("documents", p.partition()), OffsetSpec.latest()));
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> offsets.put(tp, new OffsetAndMetadata(info.offset())));
    }
    producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata("longstream"));
    return producer;
  }

  private static List<String> ids(List<Document> documents) {
    return documents.stream().map(Document::getId).toList();
  }
}
