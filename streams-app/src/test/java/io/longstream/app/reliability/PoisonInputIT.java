package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison input at volume (issue 6, item 3): malformed records of every kind interleaved with good documents.
 * Every bad record lands in the DLQ exactly once, with its source topic, partition and offset and the
 * machine-readable reason its kind must get; every good document is processed; health is UP at every sample
 * and the process never dies.
 *
 * <p>CI: 300 records. Longer harness: {@code -Dlongstream.reliability.poison-records=10000}.
 */
class PoisonInputIT {

  private static final int MAX_BYTES = 1024 * 1024;
  private static final int MAX_TOKENS = 8_000;

  @TempDir Path dir;

  @Test
  void shouldDeadLetterEveryBadRecordWithItsCoordinatesAndReasonAndProcessEveryGoodOne() throws Exception {
    int records = Workload.setting("poison-records", 300);
    int goodEvery = 15;
    long seed = Long.getLong("longstream.reliability.seed", System.nanoTime());
    Report report = new Report("poison-input");
    report.line("%d records (1 good document in %d), seed %d", records, goodEvery, seed);
    List<Document> good = Workload.documents("poison-good-", records / goodEvery, 400);
    PoisonRecords poison = new PoisonRecords(seed, good.get(0).getText(), MAX_BYTES, MAX_TOKENS);

    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.bootstrapServers(), Map.of(
            "longstream.limits.max-document-bytes", MAX_BYTES + "B",
            "longstream.limits.max-tokens", String.valueOf(MAX_TOKENS)))) {
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      try {
        check(service, broker, sampler, records, goodEvery, good, poison, report);
      } finally {
        sampler.shutdownNow();
      }
    }
  }

  private void check(ServiceProcess service, BrokerProcess broker, ScheduledExecutorService sampler, int records,
      int goodEvery, List<Document> good, PoisonRecords poison, Report report) throws Exception {
    {
      service.start().awaitRunning(CrashRestartIT.STARTUP);
      List<String> unhealthy = new CopyOnWriteArrayList<>();
      int[] samples = {0};
      sampler.scheduleWithFixedDelay(() -> {
        ServiceProcess.Health health = service.health();
        samples[0]++;
        if (!health.up() || !service.isAlive()) {
          unhealthy.add(Instant.now() + " " + health + " alive=" + service.isAlive());
        }
      }, 0, 500, TimeUnit.MILLISECONDS);

      Map<Integer, SentPoison> sent = new HashMap<>();
      List<Document> published = new ArrayList<>();
      try (KafkaProducer<String, byte[]> producer = Workload.producer(broker.bootstrapServers())) {
        SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<PoisonRecords.Poison> bad = new ArrayList<>();
        for (int i = 0; i < records; i++) {
          if (i % goodEvery == goodEvery - 1 && published.size() < good.size()) {
            Document d = good.get(published.size());
            published.add(d);
            producer.send(new ProducerRecord<>("documents", d.getId(), codec.encode(d)));
          } else {
            PoisonRecords.Poison p = poison.next(i);
            bad.add(p);
            futures.add(producer.send(new ProducerRecord<>("documents", p.key(), p.value())));
          }
        }
        producer.flush();
        for (int i = 0; i < bad.size(); i++) {
          RecordMetadata m = futures.get(i).get();
          sent.put(i, new SentPoison(bad.get(i), m.partition(), m.offset()));
        }
      }
      Map<PoisonRecords.Kind, Integer> kinds = new EnumMap<>(PoisonRecords.Kind.class);
      sent.values().forEach(s -> kinds.merge(s.poison().kind(), 1, Integer::sum));
      report.line("published %d bad records %s and %d good documents", sent.size(), kinds, published.size());

      OutputAudit audit = new OutputAudit(broker.bootstrapServers());
      List<String> goodIds = published.stream().map(Document::getId).toList();
      audit.awaitSummaries(goodIds, Duration.ofSeconds(120 + 3L * records / goodEvery), () -> CrashRestartIT.assertAlive(service));
      Map<String, List<DeadLetter>> letters = awaitDeadLetters(audit, sent.size(), service);
      sampler.shutdown();
      sampler.awaitTermination(15, TimeUnit.SECONDS);

      List<String> problems = new ArrayList<>(audit.checkExactlyOnce(goodIds, Map.of()));
      for (SentPoison s : sent.values()) {
        List<DeadLetter> found = letters.getOrDefault(s.partition() + "@" + s.offset(), List.of());
        if (found.size() != 1) {
          problems.add(s + ": " + found.size() + " dead letters");
          continue;
        }
        DeadLetter letter = found.get(0);
        if (!letter.getReason().equals(s.poison().expectedReason()) || !"documents".equals(letter.getSourceTopic())
            || !Objects.equals(letter.getOriginalKey(), s.poison().key()) || letter.getMessage().isBlank()
            || letter.getPayload() != null) {
          problems.add(s + ": got " + letter.getReason() + " key=" + letter.getOriginalKey() + " (" + letter.getMessage() + ")");
        }
      }
      report.line("%d dead letters for %d bad records, %d good documents checked, %d health samples (%d not UP): %d problems",
          letters.values().stream().mapToInt(List::size).sum(), sent.size(), goodIds.size(), samples[0], unhealthy.size(),
          problems.size());
      problems.stream().limit(20).forEach(p -> report.line("problem: %s", p));
      assertThat(problems).isEmpty();
      assertThat(unhealthy).as("health samples that were not UP").isEmpty();
      assertThat(service.logs()).doesNotContain("stream thread failed").doesNotContain("OutOfMemoryError");
      assertThat(LogSecrecy.leaks(service.logs(), published)).isEmpty();
    }
  }

  private static Map<String, List<DeadLetter>> awaitDeadLetters(OutputAudit audit, int expected, ServiceProcess service) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (true) {
      Map<String, List<DeadLetter>> letters = audit.deadLettersBySource();
      if (letters.size() >= expected || Instant.now().isAfter(deadline)) {
        return letters;
      }
      CrashRestartIT.assertAlive(service);
      ServiceProcess.sleep(Duration.ofSeconds(1));
    }
  }

  /** A bad record and where it landed. */
  record SentPoison(PoisonRecords.Poison poison, int partition, long offset) {
    @Override
    public String toString() {
      return poison.kind() + " " + poison.key() + " at documents-" + partition + "@" + offset;
    }
  }
}
