package io.longstream.app.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft Kafka broker as a separate JVM: {@code kafka.Kafka} with a server.properties, run
 * from the Kafka server jars inside longstream.jar (Spring Boot's PropertiesLauncher with loader.main), its
 * storage formatted once by {@code kafka.tools.StorageTool}. Ports and data directory stay the same across
 * {@link #kill()}/{@link #start()}, so clients reconnect to the same address and find their data.
 */
final class BrokerProcess implements AutoCloseable {

  private static final Duration STARTUP = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private Process process;

  private BrokerProcess(Path dir) {
    this.dir = dir;
    this.port = freePort();
    this.controllerPort = freePort();
  }

  /** Formats a broker in {@code dir} (created) and starts it. */
  static BrokerProcess start(Path dir) {
    BrokerProcess broker = new BrokerProcess(dir);
    try {
      broker.configure();
      broker.format();
      broker.start();
      return broker;
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  String bootstrapServers() {
    return "localhost:" + port;
  }

  /** Starts the (stopped) broker and waits until it answers. */
  void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("broker already running");
    }
    process = ChildProcesses.start(launcher("kafka.Kafka", "server.properties"), dir, dir.resolve("broker.log"));
    awaitReady();
  }

  /** SIGKILL: an unclean stop, as when the broker's machine dies. */
  void kill() {
    ChildProcesses.kill(process);
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates a topic (replication 1). */
  void createTopic(String name, int partitions) {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      ChildProcesses.kill(process);
    }
  }

  private void configure() {
    String config = String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@localhost:" + controllerPort,
        "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort,
        "advertised.listeners=PLAINTEXT://localhost:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "");
    String logback = """
        <configuration>
          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="OUT"/></root>
          <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
        </configuration>
        """;
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("server.properties"), config);
      Files.writeString(dir.resolve("logback.xml"), logback);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void format() {
    List<String> command = launcher("kafka.tools.StorageTool",
        "format", "-t", Uuid.randomUuid().toString(), "-c", "server.properties");
    Process storageTool = ChildProcesses.start(command, dir, dir.resolve("format.log"));
    try {
      if (!storageTool.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || storageTool.exitValue() != 0) {
        ChildProcesses.kill(storageTool);
        throw new IllegalStateException("kafka-storage format failed: " + tail(dir.resolve("format.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> launcher(String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(ChildProcesses.java(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
        "-Dloader.main=" + mainClass, "-cp", ChildProcesses.longstreamJar().toString(),
        "org.springframework.boot.loader.launch.PropertiesLauncher"));
    command.addAll(List.of(args));
    return command;
  }

  private void awaitReady() {
    Instant deadline = Instant.now().plus(STARTUP);
    try (Admin admin = admin()) {
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("broker exited: " + tail(dir.resolve("broker.log")));
        }
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          Thread.sleep(200);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("broker did not answer within " + STARTUP + ": " + tail(dir.resolve("broker.log")));
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
