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
 */
@ConfigurationProperties("longstream.broker")
public record BrokerProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("./data/kafka") Path dataDir,
    @DefaultValue("0") int port) {

  /** The defaults: enabled, ./data/kafka, a free port. */
  public static BrokerProperties defaults() {
    return new BrokerProperties(true, Path.of("./data/kafka"), 0);
  }
}
