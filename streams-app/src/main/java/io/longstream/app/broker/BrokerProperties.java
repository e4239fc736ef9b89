package io.longstream.app.broker;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded KRaft broker ({@code longstream.broker.*}), started only when {@code
 * spring.kafka.bootstrap-servers} is not set. Bound by {@link EmbeddedBrokerInitializer} before the
 * application context exists, because the bootstrap address must be known before any Kafka bean.
 *
 * @param enabled whether to start the embedded broker when no bootstrap servers are configured
 * @param dataDir directory of the broker's logs and metadata; reusing it keeps topics and the cluster id
 * @param port listener port on localhost; 0 = any free port (written to dataDir/bootstrap.servers)
 * @param sasl an extra SASL_PLAINTEXT listener (mechanism PLAIN), to try Kafka client security settings
 */
@ConfigurationProperties("longstream.broker")
public record BrokerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("./data/kafka") Path dataDir,
    @DefaultValue("0") int port,
    @DefaultValue Sasl sasl) {

  /** The defaults: enabled, ./data/kafka, a free port, no SASL listener. */
  public static BrokerProperties defaults() {
    return new BrokerProperties(true, Path.of("./data/kafka"), 0, new Sasl(false, 0, "longstream", ""));
  }

  /**
   * The optional SASL_PLAINTEXT listener ({@code longstream.broker.sasl.*}). The service itself keeps using the
   * PLAINTEXT listener; other clients connect with security.protocol=SASL_PLAINTEXT, sasl.mechanism=PLAIN.
   *
   * @param enabled whether to open it
   * @param port its port on localhost; 0 = any free port (logged)
   * @param username the one user it accepts
   * @param password that user's password (required when enabled)
   */
  public record Sasl(
      @DefaultValue("false") boolean enabled,
      @DefaultValue("0") int port,
      @DefaultValue("longstream") String username,
      @DefaultValue("") String password) {

    /** The listener to open, or null when disabled. */
    EmbeddedKafkaBroker.SaslListener listener() {
      return enabled ? new EmbeddedKafkaBroker.SaslListener(port, username, password) : null;
    }
  }
}
