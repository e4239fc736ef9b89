package io.longstream.app.cli;

import io.longstream.app.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap}, shared by the client commands. Without it they use the embedded broker that a local
 * {@code longstream serve} started (its address is in ./data/kafka/bootstrap.servers), else localhost:9092.
 */
final class KafkaOptions {

  static final Path EMBEDDED_BOOTSTRAP_FILE = Path.of("data", "kafka", EmbeddedKafkaBroker.BOOTSTRAP_FILE);

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: the local embedded broker, else localhost:9092)")
  private String bootstrap;

  String bootstrapServers() {
    if (bootstrap != null) {
      return bootstrap;
    }
    if (Files.isRegularFile(EMBEDDED_BOOTSTRAP_FILE)) {
      try {
        return Files.readString(EMBEDDED_BOOTSTRAP_FILE).strip();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return "localhost:9092";
  }
}
