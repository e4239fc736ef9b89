package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.Document;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broker outage (issue 6, item 2): the broker process is SIGKILLed mid-stream and started again on the same
 * ports and data 30 s later (longer with {@code -Dlongstream.reliability.outage-seconds}). The service is
 * never restarted: /actuator/health goes DOWN during the outage and UP after it, and every document is
 * processed exactly once, byte-identical to an uninterrupted run.
 */
class BrokerOutageIT {

  @TempDir Path dir;

  @Test
  void shouldRecoverFromABrokerOutageWithoutRestartAndLoseNothing() throws Exception {
    int outageSeconds = Workload.setting("outage-seconds", 30);
    int documents = Workload.setting("outage-documents", 12);
    Report report = new Report("broker-outage");
    report.line("%d documents, broker down for %d s", documents, outageSeconds);
    List<Document> before = Workload.documents("outage-", documents, Workload.setting("min-chars", 1500));
    List<Document> after = Workload.documents("outage-after-", 3, 600);
    List<Document> all = new ArrayList<>(before);
    all.addAll(after);
    List<String> ids = all.stream().map(Document::getId).toList();
    var reference = Workload.reference(all);

    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.bootstrapServers(), Map.of())) {
      service.start().awaitRunning(CrashRestartIT.STARTUP);
      long pid = service.pid();
      Workload.publish(broker.bootstrapServers(), before);
      OutputAudit audit = new OutputAudit(broker.bootstrapServers());
      int committed = awaitCommitted(audit, ids, 2, service);

      broker.kill();
      Instant down = Instant.now();
      report.line("broker killed after %d committed summaries", committed);
      ServiceProcess.Health whileDown = service.awaitHealth(h -> "DOWN".equals(h.status()), Duration.ofSeconds(30), "DOWN");
      report.line("health DOWN %d s into the outage (streams %s)", Duration.between(down, Instant.now()).toSeconds(),
          whileDown.streamsState());
      while (Duration.between(down, Instant.now()).toSeconds() < outageSeconds) {
        CrashRestartIT.assertAlive(service);
        ServiceProcess.sleep(Duration.ofMillis(500));
      }
      broker.start();
      Instant back = Instant.now();
      report.line("broker restarted after %d s down", Duration.between(down, back).toSeconds());
      service.awaitRunning(Duration.ofSeconds(180));
      report.line("health UP and streams RUNNING %d s after the broker came back",
          Duration.between(back, Instant.now()).toSeconds());

      Workload.publish(broker.bootstrapServers(), after);
      audit.awaitSummaries(ids, Duration.ofSeconds(180 + 5L * documents), () -> CrashRestartIT.assertAlive(service));
      report.line("all %d summaries committed %d s after the broker came back", ids.size(),
          Duration.between(back, Instant.now()).toSeconds());

      assertThat(service.pid()).as("the same service JVM throughout").isEqualTo(pid);
      List<String> problems = audit.checkExactlyOnce(ids, reference.get());
      report.line("checked %d documents: %d problems; stream threads replaced: %d", ids.size(), problems.size(),
          count(service.logs(), "stream thread failed; replacing it"));
      threadFailures(service.logs()).forEach(cause -> report.line("  replaced after: %s", cause));
      assertThat(problems).isEmpty();
    }
  }

  private static int awaitCommitted(OutputAudit audit, List<String> ids, int target, ServiceProcess service) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    for (int committed = 0; ; committed = audit.committedSummaries(ids).size()) {
      if (committed >= target) {
        return committed;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("no progress before the outage:\n" + service.logTail());
      }
      CrashRestartIT.assertAlive(service);
      ServiceProcess.sleep(Duration.ofMillis(300));
    }
  }

  /** The exception lines logged right after each "replacing it" (the causes of stream-thread deaths). */
  private static List<String> threadFailures(String logs) {
    List<String> causes = new ArrayList<>();
    List<String> lines = logs.lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).contains("stream thread failed; replacing it")) {
        for (int j = i + 1; j < lines.size() && j < i + 80; j++) {
          String line = lines.get(j);
          if (line.startsWith("org.") || line.startsWith("java.") || line.startsWith("Caused by:")) {
            causes.add(line.length() > 300 ? line.substring(0, 300) : line);
          }
        }
      }
    }
    return causes;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
