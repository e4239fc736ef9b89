package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrupt model files (issue 6, item 5): the service JVM started on a truncated safetensors file, a header
 * whose offsets or shapes lie, an impossible config.json, or a tokenizer.json whose ids do not fit the
 * vocabulary, refuses to start: it exits with a non-zero code and one error line naming the problem, no stack
 * trace and no JVM crash report, and health never answers UP.
 */
class CorruptModelIT {

  @TempDir Path dir;

  @Test
  void shouldRefuseToStartWithOneClearErrorLineOnEveryCorruption() throws Exception {
    Report report = new Report("corrupt-model");
    Map<CorruptModels.Corruption, ServiceProcess> services = new EnumMap<>(CorruptModels.Corruption.class);
    try {
      for (CorruptModels.Corruption corruption : CorruptModels.Corruption.values()) {
        Path model = corruption.create(dir.resolve("models"));
        services.put(corruption, ServiceProcess.create(dir, corruption.name(), "localhost:" + BrokerProcess.freePort(),
            Map.of("longstream.model.path", model.toString())).start());
      }
      List<String> problems = new ArrayList<>();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
      while (services.values().stream().anyMatch(ServiceProcess::isAlive) && Instant.now().isBefore(deadline)) {
        for (var entry : services.entrySet()) {
          ServiceProcess.Health health = entry.getValue().health();
          if (!"UNREACHABLE".equals(health.status())) {
            problems.add(entry.getKey() + ": health answered " + health.status());
          }
        }
        ServiceProcess.sleep(Duration.ofMillis(300));
      }
      for (var entry : services.entrySet()) {
        ServiceProcess service = entry.getValue();
        assertThat(service.isAlive()).as("%s still running after 4 minutes", entry.getKey()).isFalse();
        String output = service.logs();
        List<String> errorLines = output.lines().filter(l -> l.startsWith("longstream serve: ")).toList();
        report.line("%s: exit %d, %s", entry.getKey(), service.exitCode(), errorLines);
        if (service.exitCode() == 0 || errorLines.size() != 1 || !errorLines.get(0).contains(entry.getKey().expected)) {
          problems.add(entry.getKey() + ": exit " + service.exitCode() + ", error lines " + errorLines);
        }
        if (output.contains("\tat ") || output.contains("A fatal error has been detected")) {
          problems.add(entry.getKey() + ": stack trace or JVM crash report in the output");
        }
      }
      try (Stream<Path> files = Files.walk(dir)) {
        files.filter(f -> f.getFileName().toString().startsWith("hs_err")).forEach(f -> problems.add("JVM crash: " + f));
      }
      assertThat(problems).isEmpty();
    } finally {
      services.values().forEach(ServiceProcess::close);
    }
  }
}
