package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.app.analysis.ReferenceAnalysis;
import io.longstream.schemas.Document;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and restart (issue 6, item 1): a broker process and the service as a separate JVM; documents are
 * published, the service is SIGKILLed at random moments while it works and restarted each time; afterwards a
 * read_committed consumer finds every document's windows, metrics and summary exactly once, byte-identical to
 * an uninterrupted run, and no document text in the service's logs.
 *
 * <p>CI: 2 kills over 20 documents. Longer harness (docs/RELIABILITY.md): {@code -Dlongstream.reliability.kills=20
 * -Dlongstream.reliability.documents=1000}.
 */
class CrashRestartIT {

  static final Duration STARTUP = Duration.ofSeconds(180);

  @TempDir Path dir;

  @Test
  void shouldPublishEveryWindowAndSummaryExactlyOnceAcrossServiceKills() throws Exception {
    int documents = Workload.setting("documents", 20);
    int kills = Workload.setting("kills", 2);
    long seed = Long.getLong("longstream.reliability.seed", System.nanoTime());
    Random random = new Random(seed);
    Report report = new Report("crash-restart");
    report.line("%d documents, %d kills, seed %d", documents, kills, seed);
    List<Document> docs = Workload.documents("crash-", documents, Workload.setting("min-chars", 1500));
    List<String> ids = docs.stream().map(Document::getId).toList();
    // Every document's outputs are compared byte for byte in CI; the longer harness may compare a sample.
    int referenceEvery = Workload.setting("reference-every", 1);
    var reference = Workload.reference(IntStream.range(0, docs.size()).filter(i -> i % referenceEvery == 0)
        .mapToObj(docs::get).toList());

    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.bootstrapServers(),
            // Static membership, as deployed (deploy/k8s): the restarted instance takes its partitions back
            // at once instead of after the dead member's session timeout.
            Map.of("spring.kafka.streams.properties.group.instance.id", "crash-restart"))) {
      service.start().awaitRunning(STARTUP);
      report.line("broker and service up");
      Workload.publish(broker.bootstrapServers(), docs);
      OutputAudit audit = new OutputAudit(broker.bootstrapServers());
      for (int k = 1; k <= kills; k++) {
        int before = awaitProgress(audit, ids, documents * k / (kills + 1), service);
        ServiceProcess.sleep(Duration.ofMillis(random.nextInt(2_000)));
        service.kill();
        Instant killed = Instant.now();
        service.start().awaitRunning(STARTUP);
        Duration restart = Duration.between(killed, Instant.now());
        int after = awaitProgress(audit, ids, Math.min(documents, before + 1), service);
        report.line("kill %d after %d committed summaries: RUNNING again in %d s, next summary committed %d s after the kill (%d now)",
            k, before, restart.toSeconds(), Duration.between(killed, Instant.now()).toSeconds(), after);
      }
      Duration rest = audit.awaitSummaries(ids, Duration.ofSeconds(120 + 5L * documents), () -> assertAlive(service));
      report.line("all %d summaries committed (last wait %d s)", documents, rest.toSeconds());

      Map<String, ReferenceAnalysis.Outputs> expected = reference.get();
      List<String> problems = audit.checkExactlyOnce(ids, expected);
      report.line("checked %d documents (windows, metrics, summary), %d of them byte for byte against the reference: %d problems",
          documents, expected.size(), problems.size());
      assertThat(problems).isEmpty();
      assertThat(LogSecrecy.leaks(service.logs(), docs)).as("document text in the service logs").isEmpty();
      report.line("survived %d kills in %d s", kills, report.elapsed().toSeconds());
    }
  }

  /** Waits until at least {@code target} summaries are committed; returns how many there are. */
  private static int awaitProgress(OutputAudit audit, List<String> ids, int target, ServiceProcess service) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
    while (Instant.now().isBefore(deadline)) {
      int committed = audit.committedSummaries(ids).size();
      if (committed >= target) {
        return committed;
      }
      assertAlive(service);
      ServiceProcess.sleep(Duration.ofMillis(300));
    }
    throw new AssertionError("fewer than " + target + " summaries committed within 10 minutes:\n" + service.logTail());
  }

  static void assertAlive(ServiceProcess service) {
    if (!service.isAlive()) {
      throw new AssertionError(service.name() + " died:\n" + service.logTail());
    }
  }
}
