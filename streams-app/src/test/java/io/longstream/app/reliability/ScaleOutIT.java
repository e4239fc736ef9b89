package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.Document;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out (issue 7, item 4): a broker process, an input topic of 6 partitions, and 3 instances of one Kafka
 * Streams application as separate JVMs (same application id, own state directories and ports). Documents are
 * spread over the instances (each owns partitions and processes documents); stopping one moves its
 * partitions to the other two; every document is processed exactly once (read_committed audit).
 */
class ScaleOutIT {

  private static final int PARTITIONS = 6;

  @TempDir Path dir;

  @Test
  void shouldSpreadPartitionsOverInstancesAndMoveThemWhenOneStops() throws Exception {
    int documents = Workload.setting("scale-documents", 18);
    Report report = new Report("scale-out");
    List<Document> first = Workload.documents("scale-", documents, 600);
    List<Document> second = Workload.documents("scale-after-", documents / 2, 600);
    List<String> ids = new ArrayList<>();
    first.forEach(d -> ids.add(d.getId()));
    second.forEach(d -> ids.add(d.getId()));
    List<ServiceProcess> instances = new ArrayList<>();

    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"))) {
      try {
        for (int i = 1; i <= 3; i++) {
          instances.add(ServiceProcess.create(dir, "instance-" + i, broker.bootstrapServers(),
              Map.of("longstream.topics.partitions", String.valueOf(PARTITIONS))).start());
        }
        for (ServiceProcess instance : instances) {
          instance.awaitRunning(CrashRestartIT.STARTUP);
        }
        Map<String, List<String>> owners = awaitAssignment(instances, report);
        assertThat(owners.values()).as("partitions per instance").allSatisfy(p -> assertThat(p).isNotEmpty());

        Workload.publish(broker.bootstrapServers(), first);
        OutputAudit audit = new OutputAudit(broker.bootstrapServers());
        audit.awaitSummaries(first.stream().map(Document::getId).toList(), Duration.ofSeconds(300), () -> {});
        List<Double> processed = instances.stream().map(s -> s.metric("longstream.documents")).toList();
        report.line("%d documents processed per instance: %s", documents, processed);
        assertThat(processed).as("documents per instance").allSatisfy(n -> assertThat(n).isPositive());

        ServiceProcess stopped = instances.remove(2);
        Instant stop = Instant.now();
        stopped.stop();
        report.line("stopped %s (exit %s) in %d s", stopped.name(), stopped.isAlive() ? "none" : "done",
            Duration.between(stop, Instant.now()).toSeconds());
        Map<String, List<String>> after = awaitAssignment(instances, report);
        report.line("its partitions moved to the other two %d s after the stop: %s",
            Duration.between(stop, Instant.now()).toSeconds(), after);

        Workload.publish(broker.bootstrapServers(), second);
        audit.awaitSummaries(ids, Duration.ofSeconds(300), () -> {});
        List<String> problems = audit.checkExactlyOnce(ids, Map.of());
        report.line("checked %d documents: %d problems; processed per remaining instance %s", ids.size(),
            problems.size(), instances.stream().map(s -> s.metric("longstream.documents")).toList());
        assertThat(problems).isEmpty();
      } finally {
        instances.forEach(ServiceProcess::close);
      }
    }
  }

  /** Waits until the instances together own every input partition, each exactly once; returns who owns what. */
  private static Map<String, List<String>> awaitAssignment(List<ServiceProcess> instances, Report report) {
    Set<String> all = new TreeSet<>();
    IntStream.range(0, PARTITIONS).forEach(p -> all.add("documents-" + p));
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    Map<String, List<String>> owners = Map.of();
    while (Instant.now().isBefore(deadline)) {
      owners = new TreeMap<>();
      List<String> owned = new ArrayList<>();
      for (ServiceProcess instance : instances) {
        ServiceProcess.Health health = instance.health();
        List<String> partitions = health.activeTasks().stream().filter(t -> t.startsWith("documents-")).toList();
        owners.put(instance.name(), "RUNNING".equals(health.streamsState()) ? partitions : List.of("(" + health.streamsState() + ")"));
        owned.addAll(partitions);
      }
      if (owned.size() == PARTITIONS && all.equals(new TreeSet<>(owned))
          && owners.values().stream().noneMatch(p -> p.isEmpty() || p.get(0).startsWith("("))) {
        report.line("assignment: %s", owners);
        return owners;
      }
      ServiceProcess.sleep(Duration.ofMillis(500));
    }
    throw new AssertionError("partitions never settled over " + instances.size() + " instances: " + owners);
  }
}
