package io.longstream.app.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.longstream.app.broker.EmbeddedKafkaBroker;
import io.longstream.schemas.Document;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security defaults (issue 6, item 6) on the service JVM with its production logging (INFO):
 * <ul>
 *   <li>Kafka client security passes through from configuration: the service runs against the SASL_PLAINTEXT
 *       (PLAIN) listener of the embedded broker with the same {@code spring.kafka.properties.*} keys that
 *       deploy/k8s uses, and processes documents there; wrong credentials are refused by that listener;
 *   <li>no document text reaches the logs at INFO: documents carrying a unique marker, one processed and one
 *       dead-lettered, leave no trace of it in the log;
 *   <li>without credentials only /actuator/health and /actuator/info answer; every other path is 401.
 * </ul>
 */
class KafkaSecurityIT {

  private static final String USER = "longstream-svc";
  private static final String PASSWORD = "sasl-" + UUID.randomUUID();

  @TempDir Path dir;

  @Test
  void shouldRunOverSaslKeepDocumentTextOutOfTheLogsAndOpenOnlyHealthAndInfo() throws Exception {
    Report report = new Report("security");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0,
            new EmbeddedKafkaBroker.SaslListener(0, USER, PASSWORD));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.saslBootstrapServers().orElseThrow(),
            saslClient(USER, PASSWORD))) {
      String sasl = broker.saslBootstrapServers().orElseThrow();
      assertThatThrownBy(() -> describeCluster(sasl, "wrong-" + PASSWORD))
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);

      service.start().awaitRunning(CrashRestartIT.STARTUP);
      report.line("service RUNNING over SASL_PLAINTEXT at %s; wrong password refused", sasl);

      String marker = "MARKER-" + UUID.randomUUID();
      Document good = Workload.documents("security-", 1, 800).get(0);
      Document marked = Document.newBuilder(good).setText(good.getText() + " " + marker + " is the end.").build();
      try (var producer = Workload.producer(broker.bootstrapServers())) {
        producer.send(new ProducerRecord<>("documents", "bad-control", ("control\u0007" + marker).getBytes(UTF_8)));
      }
      Workload.publish(broker.bootstrapServers(), List.of(marked));
      OutputAudit audit = new OutputAudit(broker.bootstrapServers());
      audit.awaitSummaries(List.of(marked.getId()), Duration.ofMinutes(3), () -> CrashRestartIT.assertAlive(service));
      ServiceProcess.sleep(Duration.ofSeconds(1)); // let the log appenders flush
      assertThat(audit.deadLettersBySource()).as("the control-character record was dead-lettered").isNotEmpty();
      assertThat(service.logs()).as("service log at INFO").contains("dead-lettered").doesNotContain(marker);
      assertThat(LogSecrecy.leaks(service.logs(), List.of(good))).isEmpty();
      report.line("marker %s absent from %d log lines", marker, service.logs().lines().count());

      for (String open : List.of("/actuator/health", "/actuator/info")) {
        assertThat(service.getAnonymous(open).statusCode()).as(open).isEqualTo(200);
      }
      for (String closed : List.of("/actuator", "/actuator/metrics", "/actuator/metrics/longstream.documents",
          "/actuator/prometheus", "/actuator/extrapolation", "/actuator/env", "/actuator/beans",
          "/actuator/heapdump", "/actuator/loggers", "/", "/anything")) {
        assertThat(service.getAnonymous(closed).statusCode()).as(closed).isEqualTo(401);
      }
    }
  }

  /** The client side of SASL/PLAIN, set the way deploy/k8s sets SCRAM: spring.kafka.properties.*. */
  private static Map<String, String> saslClient(String user, String password) {
    return Map.of(
        "spring.kafka.properties.security.protocol", "SASL_PLAINTEXT",
        "spring.kafka.properties.sasl.mechanism", "PLAIN",
        "spring.kafka.properties.sasl.jaas.config", jaas(user, password));
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  private static void describeCluster(String bootstrap, String password) throws Exception {
    try (Admin admin = Admin.create(Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", jaas(USER, password)))) {
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }
}
