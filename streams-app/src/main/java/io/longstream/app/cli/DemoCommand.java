package io.longstream.app.cli;

import io.longstream.app.LongstreamApplication;
import io.longstream.app.samples.EuroparlSamples;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.SummarySentence;
import io.longstream.schemas.wire.AvroDecodeException;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code longstream demo}: the whole service end to end on one machine. Starts the service with its
 * embedded Kafka broker and bundled model, publishes a few real long documents (held-out European
 * Parliament speeches from the training corpus), prints their summaries as they arrive on the summaries
 * topic, and points at the Actuator URLs; then keeps serving until Ctrl-C (or stops, with {@code --exit}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start the service on its embedded broker, publish sample long documents, print their summaries.",
      "Any --name=value is a Spring Boot property, as for serve."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--documents", defaultValue = "3", description = "sample documents to publish (default: ${DEFAULT-VALUE})")
  int documents;

  @Option(names = "--min-chars", defaultValue = "4000", description = "shortest sample document, in characters (default: ${DEFAULT-VALUE})")
  int minChars;

  @Option(names = "--exit", description = "stop once the summaries are printed instead of serving on")
  boolean exit;

  @Option(names = "--timeout", defaultValue = "PT15M", description = "how long to wait for the summaries (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Unmatched List<String> springArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (documents < 1) {
      throw new IllegalArgumentException("--documents must be ≥ 1");
    }
    List<Document> samples = EuroparlSamples.english(documents, minChars, "europarl-");
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch closed = new CountDownLatch(1);
    SpringApplication application = new SpringApplication(LongstreamApplication.class);
    // The console is for the summaries: Kafka's and Spring's INFO chatter stays out unless asked for
    // (--logging.level.root=INFO brings it back).
    application.setDefaultProperties(Map.of(
        "logging.level.root", "WARN", "logging.level.io.longstream", "INFO", "logging.level.ai.djl", "ERROR"));
    application.addListeners(event -> {
      if (event instanceof ContextClosedEvent) {
        closed.countDown();
      }
    });
    ConfigurableApplicationContext context = application.run(springArgs.toArray(String[]::new));
    try {
      Environment env = context.getEnvironment();
      String bootstrap = env.getRequiredProperty("spring.kafka.bootstrap-servers");
      String input = env.getProperty("longstream.topics.input", "documents");
      String summaries = env.getProperty("longstream.topics.summaries", "summaries");
      Instant since = Instant.now();
      publish(bootstrap, input, samples, out);
      Map<String, DocumentSummary> received = await(bootstrap, summaries, samples, out);
      out.printf("%n%d of %d summaries in %d s.%n", received.size(), samples.size(), Duration.between(since, Instant.now()).toSeconds());
      printUrls(env, out);
      if (received.size() < samples.size()) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for summaries");
      }
    } finally {
      if (exit) {
        context.close();
      }
    }
    if (!exit) {
      out.println("Serving; Ctrl-C stops the service and its broker.");
      out.flush();
      closed.await();
    }
    return 0;
  }

  private void publish(String bootstrap, String topic, List<Document> docs, PrintWriter out) {
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (Document d : docs) {
        producer.send(new ProducerRecord<>(topic, d.getId(), codec.encode(d)));
        out.printf("published %s (%,d characters) to %s%n", d.getId(), d.getText().length(), topic);
      }
      producer.flush();
    }
    out.flush();
  }

  private Map<String, DocumentSummary> await(String bootstrap, String topic, List<Document> docs, PrintWriter out) {
    Set<String> wanted = new LinkedHashSet<>();
    docs.forEach(d -> wanted.add(d.getId()));
    Map<String, DocumentSummary> received = new HashMap<>();
    SingleObjectCodec<DocumentSummary> codec = SingleObjectCodec.of(DocumentSummary.class);
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      out.printf("waiting for %d summaries on '%s' (first start: the model streams each document window by window)...%n", wanted.size(), topic);
      out.flush();
      while (received.size() < wanted.size() && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          DocumentSummary s = decode(codec, r.value());
          if (wanted.contains(s.getDocId()) && received.putIfAbsent(s.getDocId(), s) == null) {
            print(s, out);
          }
        }
      }
    }
    return received;
  }

  private static DocumentSummary decode(SingleObjectCodec<DocumentSummary> codec, byte[] value) {
    try {
      return codec.decode(value);
    } catch (AvroDecodeException e) {
      throw new IllegalStateException("unreadable summary record: " + e.getMessage(), e);
    }
  }

  private static void print(DocumentSummary s, PrintWriter out) {
    out.printf("%n== %s: %,d tokens, %d windows, perplexity %.2f%n", s.getDocId(), s.getTokenCount(), s.getWindowCount(), s.getMeanPerplexity());
    for (SummarySentence sentence : s.getSummary()) {
      out.printf("  - [%d..%d, similarity %.2f] %s%n", sentence.getCharStart(), sentence.getCharEnd(), sentence.getScore(), sentence.getText());
    }
    out.flush();
  }

  private static void printUrls(Environment env, PrintWriter out) {
    String base = "http://localhost:" + env.getProperty("local.server.port", env.getProperty("server.port", "8080")) + "/actuator";
    out.println();
    out.println("Actuator (open):        " + base + "/health   " + base + "/info");
    out.println("Actuator (basic auth, user 'admin', password in the log line 'Using generated security password'):");
    out.println("                        " + base + "/extrapolation   " + base + "/prometheus   " + base + "/metrics");
    out.println("Topics (read_committed): bin/longstream consume --topic windows|summaries|metrics|dlq --from-beginning");
    out.flush();
  }
}
