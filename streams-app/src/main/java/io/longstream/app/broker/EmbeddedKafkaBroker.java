package io.longstream.app.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (broker and controller in one process, production {@code
 * kafka_2.13} jars, no test jars) listening on localhost, optionally with a SASL_PLAINTEXT listener too. Its
 * directory is formatted on first use and reused afterwards with the cluster id found in meta.properties, so
 * topics and offsets survive restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  /** File in the data directory holding the bootstrap address of the running broker, for the CLI. */
  public static final String BOOTSTRAP_FILE = "bootstrap.servers";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String CONTROLLER = "CONTROLLER";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private static final String SASL = "SASL_PLAINTEXT";

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final String bootstrapServers;
  private final String saslBootstrapServers;
  private final String clusterId;

  private EmbeddedKafkaBroker(KafkaRaftServer server, Path dataDir, String bootstrapServers,
      String saslBootstrapServers, String clusterId) {
    this.server = server;
    this.dataDir = dataDir;
    this.bootstrapServers = bootstrapServers;
    this.saslBootstrapServers = saslBootstrapServers;
    this.clusterId = clusterId;
  }

  /**
   * A SASL_PLAINTEXT listener with the PLAIN mechanism and one user, next to the PLAINTEXT one: a place to try
   * the Kafka client security settings ({@code spring.kafka.properties.security.protocol}, {@code
   * sasl.mechanism}, {@code sasl.jaas.config}) that a real cluster needs. Not for production: PLAIN over an
   * unencrypted connection sends the password in clear.
   *
   * @param port listener port on localhost; 0 = any free port
   * @param username the one user
   * @param password its password
   */
  public record SaslListener(int port, String username, String password) {
    public SaslListener {
      if (username == null || username.isBlank() || password == null || password.isEmpty()) {
        throw new IllegalArgumentException("the SASL listener needs a username and a password");
      }
      if (username.contains("\"") || password.contains("\"")) {
        throw new IllegalArgumentException("SASL username and password cannot contain '\"'");
      }
    }
  }

  /** Formats {@code dataDir} if needed, starts the broker on {@code port} (0 = free) and waits until it serves. */
  public static EmbeddedKafkaBroker start(Path dataDir, int port) {
    return start(dataDir, port, null);
  }

  /** As {@link #start(Path, int)}, with a SASL_PLAINTEXT (PLAIN) listener too unless {@code sasl} is null. */
  public static EmbeddedKafkaBroker start(Path dataDir, int port, SaslListener sasl) {
    Path dir = dataDir.toAbsolutePath().normalize();
    String clusterId = existingClusterId(dir).orElseGet(() -> Uuid.randomUuid().toString());
    int brokerPort = port == 0 ? freePort() : port;
    Properties config = config(dir, brokerPort, freePort());
    String saslAddress = null;
    if (sasl != null) {
      int saslPort = sasl.port() == 0 ? freePort() : sasl.port();
      addSaslListener(config, saslPort, sasl);
      saslAddress = "localhost:" + saslPort;
    }
    format(dir, clusterId);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
    server.startup();
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(server, dir, "localhost:" + brokerPort, saslAddress, clusterId);
    broker.awaitReady();
    broker.writeBootstrapFile();
    log.info("Embedded Kafka broker (KRaft) running at {} with data in {} (cluster {})", broker.bootstrapServers, dir, clusterId);
    return broker;
  }

  /** host:port of the broker listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** host:port of the SASL_PLAINTEXT listener, when the broker has one. */
  public Optional<String> saslBootstrapServers() {
    return Optional.ofNullable(saslBootstrapServers);
  }

  /** The KRaft cluster id, stable across restarts on the same directory. */
  public String clusterId() {
    return clusterId;
  }

  /** Stops the broker and waits until it has stopped. */
  @Override
  public void close() {
    log.info("Stopping embedded Kafka broker at {}", bootstrapServers);
    try {
      Files.deleteIfExists(dataDir.resolve(BOOTSTRAP_FILE));
    } catch (IOException e) {
      log.debug("cannot delete {}", BOOTSTRAP_FILE, e);
    }
    server.shutdown();
    server.awaitShutdown();
  }

  static Properties config(Path dir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.putAll(Map.of(
        "process.roles", "broker,controller",
        "node.id", "1",
        "controller.quorum.voters", "1@localhost:" + controllerPort,
        "listeners", "PLAINTEXT://localhost:" + brokerPort + "," + CONTROLLER + "://localhost:" + controllerPort,
        "advertised.listeners", "PLAINTEXT://localhost:" + brokerPort,
        "controller.listener.names", CONTROLLER,
        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT",
        "inter.broker.listener.name", "PLAINTEXT",
        "log.dirs", dir.toString()));
    // One node: every internal topic has replication factor 1; few partitions start faster on small machines.
    p.putAll(Map.of(
        "offsets.topic.replication.factor", "1",
        "offsets.topic.num.partitions", "1",
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "transaction.state.log.num.partitions", "1",
        "share.coordinator.state.topic.replication.factor", "1",
        "share.coordinator.state.topic.min.isr", "1",
        "group.initial.rebalance.delay.ms", "0",
        "auto.create.topics.enable", "false"));
    return p;
  }

  static void addSaslListener(Properties config, int port, SaslListener sasl) {
    String address = "://localhost:" + port;
    config.put("listeners", config.getProperty("listeners") + "," + SASL + address);
    config.put("advertised.listeners", config.getProperty("advertised.listeners") + "," + SASL + address);
    String protocols = config.getProperty("listener.security.protocol.map");
    config.put("listener.security.protocol.map", protocols + "," + SASL + ":" + SASL);
    String listener = "listener.name." + SASL.toLowerCase(Locale.ROOT) + ".";
    config.put(listener + "sasl.enabled.mechanisms", "PLAIN");
    config.put(listener + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " user_" + sasl.username() + "=\"" + sasl.password() + "\";");
  }

  private static void format(Path dir, String clusterId) {
    try {
      Files.createDirectories(dir);
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream())) // we log our own line
          .setNodeId(1)
          .setClusterId(clusterId)
          .setDirectories(List.of(dir.toString()))
          .setMetadataLogDirectory(Optional.of(dir.toString()))
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setControllerListenerName(CONTROLLER)
          .setIgnoreFormatted(true) // a restart on the same directory keeps its data
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
    }
  }

  static Optional<String> existingClusterId(Path dir) {
    Path meta = dir.resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + meta, e);
    }
    return Optional.ofNullable(properties.getProperty("cluster.id"));
  }

  private void awaitReady() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.describeCluster().nodes().get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("embedded Kafka broker did not come up at " + bootstrapServers, e);
    }
  }

  private void writeBootstrapFile() {
    try {
      Files.writeString(dataDir.resolve(BOOTSTRAP_FILE), bootstrapServers + System.lineSeparator());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + BOOTSTRAP_FILE, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
