package io.longstream.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.app.broker.EmbeddedKafkaBroker;
import io.longstream.app.topology.DanglingTransactions.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DanglingTransactionsTest {

  private static final String APP = "longstream";

  private static String processId() {
    return UUID.randomUUID().toString();
  }

  private static Member member(String processId, String instanceId) {
    return new Member(APP + "-" + processId + "-StreamThread-1-consumer", Optional.ofNullable(instanceId));
  }

  @Test
  void shouldSelectTheOpenTransactionsOfProcessesThatAreNotLiveMembers() {
    String live = processId();
    String dead = processId();
    List<String> ongoing = List.of(APP + "-" + live + "-1", APP + "-" + dead + "-1", APP + "-" + dead + "-2");

    assertThat(DanglingTransactions.select(APP, null, ongoing, List.of(member(live, null))))
        .containsExactly(APP + "-" + dead + "-1", APP + "-" + dead + "-2");
  }

  @Test
  void shouldTreatTheMemberWithThisInstancesOwnGroupInstanceIdAsTheCrashedPredecessor() {
    String predecessor = processId();
    String peer = processId();
    List<String> ongoing = List.of(APP + "-" + predecessor + "-1", APP + "-" + peer + "-1");
    // Kafka Streams gives each thread's consumer the configured group.instance.id plus "-<thread>".
    List<Member> members = List.of(member(predecessor, "pod-0-1"), member(peer, "pod-1-1"));

    assertThat(DanglingTransactions.select(APP, "pod-0", ongoing, members)).containsExactly(APP + "-" + predecessor + "-1");
    assertThat(DanglingTransactions.select(APP, null, ongoing, members)).isEmpty();
  }

  @Test
  void shouldNotTakeAPeerWhoseInstanceIdExtendsThisOnesForThePredecessor() {
    String peer = processId();
    List<String> ongoing = List.of(APP + "-" + peer + "-1");

    assertThat(DanglingTransactions.select(APP, "pod-1", ongoing, List.of(member(peer, "pod-10-1")))).isEmpty();
    assertThat(DanglingTransactions.select(APP, "pod", ongoing, List.of(member(peer, "pod-1-1")))).isEmpty();
  }

  @Test
  void shouldLeaveOtherApplicationsAndOtherProducersAlone() {
    List<String> ongoing = List.of(
        "longstream-eu-" + processId() + "-1", // application id "longstream-eu"
        "my-producer",
        APP + "-not-a-uuid-1");

    assertThat(DanglingTransactions.select(APP, null, ongoing, List.of())).isEmpty();
  }

  @Test
  void shouldFenceNothingWhenAMembersProcessIdCannotBeRead() {
    List<String> ongoing = List.of(APP + "-" + processId() + "-1");
    List<Member> members = List.of(new Member("custom-client-id", Optional.empty()));

    assertThat(DanglingTransactions.select(APP, null, ongoing, members)).isEmpty();
  }

  /**
   * A real broker: a producer of a process that is not in the group opens a transaction holding the group's
   * offsets and output, as a run killed between a document's sends and their commit does; another process that
   * is a live member has its own transaction open. Only the first is aborted, and the group's committed offsets
   * become readable again at once (they were blocked until the broker's transaction timeout).
   */
  @Test
  void shouldAbortTheTransactionOfACrashedRunAndNotThatOfALiveMember(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("documents", 1, (short) 1), new NewTopic("summaries", 1, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
      String dead = APP + "-" + processId() + "-1";
      String liveProcess = processId();
      String live = APP + "-" + liveProcess + "-1";
      TopicPartition documents = new TopicPartition("documents", 0);
      try (KafkaProducer<String, String> crashed = transactional(broker, dead);
          KafkaProducer<String, String> running = transactional(broker, live);
          KafkaConsumer<String, String> liveMember = member(broker, liveProcess)) {
        openTransaction(crashed, documents); // before the group has members, as after a crash of its only one
        liveMember.subscribe(List.of("documents"));
        for (int i = 0; i < 50 && liveMember.assignment().isEmpty(); i++) {
          liveMember.poll(Duration.ofMillis(200));
        }
        assertThat(liveMember.assignment()).containsExactly(documents);
        running.beginTransaction();
        running.send(new ProducerRecord<>("summaries", "doc-2", "pending")).get();
        assertThat(ongoing(admin)).contains(dead, live);

        List<String> fenced = DanglingTransactions.fence(admin, APP, null, Duration.ofSeconds(10));

        assertThat(fenced).containsExactly(dead);
        assertThat(ongoing(admin)).contains(live).doesNotContain(dead);
        // The committed offsets, as a starting Kafka Streams thread reads them (read_committed: stable offsets
        // only), are readable again once the abort is done, without the aborted commit. An open transaction
        // holding offsets blocks this read until the transaction's timeout.
        Map<TopicPartition, OffsetAndMetadata> committed = liveMember.committed(Set.of(documents), Duration.ofSeconds(20));
        assertThat(committed.get(documents)).isNull();
        running.abortTransaction();
      }
    }
  }

  private static void openTransaction(KafkaProducer<String, String> producer, TopicPartition input) throws Exception {
    producer.beginTransaction();
    producer.send(new ProducerRecord<>("summaries", "doc-1", "never committed")).get();
    producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(1)), new ConsumerGroupMetadata(APP));
  }

  private static List<String> ongoing(Admin admin) throws Exception {
    return admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
        .filter(t -> t.state() == TransactionState.ONGOING)
        .map(t -> t.transactionalId())
        .toList();
  }

  private static KafkaProducer<String, String> transactional(EmbeddedKafkaBroker broker, String transactionalId) {
    KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
        // Far beyond the test: only a fence can end this transaction while the test runs.
        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000),
        new StringSerializer(), new StringSerializer());
    producer.initTransactions();
    return producer;
  }

  /** A group member whose client id is that of a Kafka Streams thread of process {@code processId}. */
  private static KafkaConsumer<String, String> member(EmbeddedKafkaBroker broker, String processId) {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, APP,
        ConsumerConfig.CLIENT_ID_CONFIG, APP + "-" + processId + "-StreamThread-1-consumer",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), new StringDeserializer());
  }
}
