package io.longstream.app.broker;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Starts {@link EmbeddedKafkaBroker} before the application context is refreshed when no bootstrap servers
 * are configured, and points {@code spring.kafka.bootstrap-servers} at it. Registered in
 * META-INF/spring.factories.
 *
 * <p>The broker is registered as the first disposable bean, so Spring destroys it last: Kafka Streams,
 * producers and the admin client close against a live broker instead of retrying a dead one. Without
 * bootstrap servers and without a broker (disabled, or a {@code -Pproduction} build that leaves the Kafka
 * server jars out) the start-up fails at once with what to set, instead of clients silently retrying
 * localhost:9092.
 */
public final class EmbeddedBrokerInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

  /** Bean name of the embedded broker, when one runs. */
  public static final String BEAN_NAME = "embeddedKafkaBroker";

  static final String BOOTSTRAP = "spring.kafka.bootstrap-servers";
  private static final String STREAMS_BOOTSTRAP = "spring.kafka.streams.bootstrap-servers";
  private static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBrokerInitializer.class);

  @Override
  public void initialize(ConfigurableApplicationContext context) {
    ConfigurableEnvironment env = context.getEnvironment();
    if (env.containsProperty(BOOTSTRAP) || env.containsProperty(STREAMS_BOOTSTRAP)) {
      log.info("Using the Kafka cluster at {}", env.getProperty(BOOTSTRAP, env.getProperty(STREAMS_BOOTSTRAP)));
      return;
    }
    BrokerProperties broker = Binder.get(env).bind("longstream.broker", BrokerProperties.class)
        .orElseGet(BrokerProperties::defaults);
    checkAvailable(broker, context.getClassLoader());
    EmbeddedKafkaBroker running = EmbeddedKafkaBroker.start(broker.dataDir(), broker.port(), broker.sasl().listener());
    running.saslBootstrapServers().ifPresent(sasl -> log.info("Embedded broker SASL_PLAINTEXT (PLAIN) listener at {}", sasl));
    env.getPropertySources().addFirst(
        new MapPropertySource(BEAN_NAME, Map.of(BOOTSTRAP, running.bootstrapServers())));
    DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getBeanFactory();
    beans.registerSingleton(BEAN_NAME, running);
    beans.registerDisposableBean(BEAN_NAME, running::close);
  }

  static void checkAvailable(BrokerProperties broker, ClassLoader classLoader) {
    if (!broker.enabled()) {
      throw new IllegalStateException("No Kafka cluster configured: set " + BOOTSTRAP
          + "=host:port, or enable the embedded broker (longstream.broker.enabled=true)");
    }
    if (!ClassUtils.isPresent(BROKER_CLASS, classLoader)) {
      throw new IllegalStateException("No Kafka cluster configured: set " + BOOTSTRAP
          + "=host:port (this build has no embedded broker; it was built with -Pproduction)");
    }
  }
}
