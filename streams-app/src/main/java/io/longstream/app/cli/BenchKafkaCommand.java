package io.longstream.app.cli;

import io.longstream.app.LongstreamApplication;
import io.longstream.app.analysis.AnalysisSink;
import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.analysis.DocumentRejectedException;
import io.longstream.app.samples.EuroparlSamples;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.engine.ThreadPlan;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.LongstreamSerdes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code longstream bench-kafka}: what Kafka costs. Starts the service (embedded broker unless
 * --spring.kafka.bootstrap-servers is given), then runs the same held-out Europarl documents, one at a time
 * and on the same model and settings, (1) through the streaming engine directly, (2) through the service's
 * analyzer without Kafka (adds sentence pooling, MMR summary, record building), (3) through Kafka: publish
 * all, wait until every summary is readable with read_committed, and (4) through the engine again (so
 * machine noise shows as the spread of the two engine passes). Prints documents/s, tokens/s, the ratio and
 * the stream thread's commit latency.
 */
@Command(
    name = "bench-kafka",
    mixinStandardHelpOptions = true,
    description = {
      "Throughput through Kafka (publish to committed summary) vs the streaming engine alone, same documents.",
      "Any --name=value is a Spring Boot property, as for serve (e.g. --longstream.streaming.chunk=128)."
    })
final class BenchKafkaCommand implements Callable<Integer> {

  @Option(names = "--documents", defaultValue = "10", description = "documents per pass (default: ${DEFAULT-VALUE})")
  int documents;

  @Option(names = "--min-chars", defaultValue = "4000", description = "shortest document, in characters (default: ${DEFAULT-VALUE})")
  int minChars;

  @Option(names = "--timeout", defaultValue = "PT30M", description = "how long to wait for the summaries (default: ${DEFAULT-VALUE})")
  Duration timeout;

  @Unmatched List<String> springArgs = new ArrayList<>();

  @Spec CommandSpec spec;

  /** One timed pass over the documents. */
  record Pass(String name, int documents, long tokens, double seconds) {
    double tokensPerSecond() {
      return tokens / seconds;
    }

    double documentsPerSecond() {
      return documents / seconds;
    }
  }

  @Override
  public Integer call() throws IOException {
    if (documents < 1) {
      throw new IllegalArgumentException("--documents must be ≥ 1");
    }
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Document> docs = EuroparlSamples.english(documents, minChars, "bench-" + run + "-");
    PrintWriter out = spec.commandLine().getOut();
    try (ConfigurableApplicationContext context = new SpringApplication(LongstreamApplication.class).run(arguments())) {
      LanguageModel lm = context.getBean(LanguageModel.class);
      StreamingEngine engine = new StreamingEngine(lm, context.getBean(ThreadPlan.class).stages());
      StreamingSettings settings = context.getBean(StreamingSettings.class);
      DocumentAnalyzer analyzer = context.getBean(DocumentAnalyzer.class);
      Environment env = context.getEnvironment();
      awaitRunning(context.getBean(StreamsBuilderFactoryBean.class));
      out.printf("bench-kafka: %d documents of %d+ characters, S=%d W=%d C=%d %s, device %s, %d cores%n", docs.size(),
          minChars, settings.sinks(), settings.window(), settings.chunk(), settings.mode().label(),
          lm.model().device().getDeviceType(), Runtime.getRuntime().availableProcessors());
      out.flush();

      // Warm-up, untimed: every document once through the engine (the first pass over a set of documents ran
      // 5-10 % slower than later ones, which skewed the comparison), and one through Kafka.
      engineOnly(engine, settings, docs);
      Kafka kafka = new Kafka(env);
      kafka.through(List.of(Document.newBuilder(docs.get(0)).setId("bench-" + run + "-warmup").build()), timeout);
      List<Pass> passes = new ArrayList<>();
      passes.add(named("engine only", engineOnly(engine, settings, docs)));
      passes.add(named("analyzer only", analyzerOnly(analyzer, docs)));
      passes.add(named("through Kafka", kafka.through(docs, timeout)));
      passes.add(named("engine only, again", engineOnly(engine, settings, docs)));
      report(passes, out);
      reportCommits(context.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams(), out);
    }
    return 0;
  }

  /** Defaults that keep a benchmark apart from a real service: a fresh broker and state dir, any HTTP port. */
  private String[] arguments() throws IOException {
    List<String> args = new ArrayList<>(springArgs);
    var scratch = Files.createTempDirectory("longstream-bench-");
    addDefault(args, "longstream.broker.data-dir", scratch.resolve("kafka").toString());
    addDefault(args, "spring.kafka.streams.state-dir", scratch.resolve("streams").toString());
    addDefault(args, "spring.kafka.streams.application-id", "longstream-bench");
    addDefault(args, "server.port", "0");
    return args.toArray(String[]::new);
  }

  private static void addDefault(List<String> args, String name, String value) {
    if (args.stream().noneMatch(a -> a.startsWith("--" + name + "="))) {
      args.add("--" + name + "=" + value);
    }
  }

  private static void awaitRunning(StreamsBuilderFactoryBean factory) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (factory.getKafkaStreams() == null || factory.getKafkaStreams().state() != KafkaStreams.State.RUNNING) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("Kafka Streams did not reach RUNNING within 5 minutes");
      }
      sleep(200);
    }
  }

  /** Tokenize and stream each document, as the service's analyzer does, without Kafka or summaries. */
  static Pass engineOnly(StreamingEngine engine, StreamingSettings settings, List<Document> docs) {
    LanguageModel lm = engine.languageModel();
    long tokens = 0;
    long start = System.nanoTime();
    for (Document d : docs) {
      long[] ids = lm.tokenizer().encode(d.getText(), true).ids();
      try (DocumentStream stream = engine.open(settings)) {
        stream.feed(ids);
        stream.finish();
      }
      tokens += ids.length;
    }
    return new Pass("", docs.size(), tokens, (System.nanoTime() - start) / 1e9);
  }

  private static Pass analyzerOnly(DocumentAnalyzer analyzer, List<Document> docs) {
    long[] tokens = {0};
    AnalysisSink sink = new AnalysisSink() {
      @Override
      public void tokenized(int tokenCount) {
        tokens[0] += tokenCount;
      }

      @Override
      public void window(WindowEmbedding embedding, WindowMetrics metrics) {}

      @Override
      public void summary(DocumentSummary summary) {}
    };
    long start = System.nanoTime();
    for (Document d : docs) {
      try {
        analyzer.analyze(d, sink);
      } catch (DocumentRejectedException e) {
        throw new IllegalStateException("sample document " + d.getId() + " refused: " + e.getMessage(), e);
      }
    }
    return new Pass("", docs.size(), tokens[0], (System.nanoTime() - start) / 1e9);
  }

  /** Publish to committed summary: the clock runs from the first send to the last summary read. */
  private record Kafka(String bootstrap, String input, String summaries) {

    Kafka(Environment env) {
      this(env.getRequiredProperty("spring.kafka.bootstrap-servers"),
          env.getProperty("longstream.topics.input", "documents"),
          env.getProperty("longstream.topics.summaries", "summaries"));
    }

    Pass through(List<Document> docs, Duration timeout) {
      Set<String> waiting = new HashSet<>();
      docs.forEach(d -> waiting.add(d.getId()));
      Map<String, Object> consumerConfig = Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      Map<String, Object> producerConfig = Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ProducerConfig.ACKS_CONFIG, "all");
      try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), LongstreamSerdes.documentSummary());
          var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), LongstreamSerdes.document())) {
        List<TopicPartition> partitions = consumer.partitionsFor(summaries).stream()
            .map(p -> new TopicPartition(summaries, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        long tokens = 0;
        long start = System.nanoTime();
        docs.forEach(d -> producer.send(new ProducerRecord<>(input, d.getId(), d)));
        producer.flush();
        Instant deadline = Instant.now().plus(timeout);
        while (!waiting.isEmpty()) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException(waiting.size() + " summaries missing after " + timeout);
          }
          for (ConsumerRecord<String, DocumentSummary> r : consumer.poll(Duration.ofMillis(50))) {
            if (waiting.remove(r.key())) {
              tokens += r.value().getTokenCount();
            }
          }
        }
        return new Pass("", docs.size(), tokens, (System.nanoTime() - start) / 1e9);
      }
    }
  }

  private static Pass named(String name, Pass p) {
    return new Pass(name, p.documents(), p.tokens(), p.seconds());
  }

  private static void report(List<Pass> passes, PrintWriter out) {
    for (Pass p : passes) {
      out.printf("  %-20s %3d docs %,9d tokens %8.2f s %8.3f docs/s %,10.0f tokens/s%n",
          p.name(), p.documents(), p.tokens(), p.seconds(), p.documentsPerSecond(), p.tokensPerSecond());
    }
    double engine = (passes.get(0).tokensPerSecond() + passes.get(3).tokensPerSecond()) / 2;
    double kafka = passes.get(2).tokensPerSecond();
    out.printf("  Kafka / engine only (mean of the two engine passes): %.3f, i.e. Kafka costs %.1f %% of engine-only throughput%n",
        kafka / engine, 100 * (1 - kafka / engine));
    out.printf("  Kafka / analyzer only: %.3f%n", kafka / passes.get(1).tokensPerSecond());
    out.flush();
  }

  /**
   * The stream thread's commit latency (flush, offsets and end of transaction, paid once per document while
   * no document is computed): with one document per transaction it is most of what Kafka costs.
   */
  private static void reportCommits(KafkaStreams streams, PrintWriter out) {
    Map<String, Object> commit = new HashMap<>();
    streams.metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics") && name.name().startsWith("commit-")) {
        commit.put(name.name(), metric.metricValue());
      }
    });
    out.printf("  stream thread commits: %s, latency avg %.1f ms, max %.0f ms (warm-up included)%n",
        count(commit.get("commit-total")), number(commit.get("commit-latency-avg")), number(commit.get("commit-latency-max")));
    out.flush();
  }

  private static String count(Object value) {
    return value instanceof Number n ? String.valueOf(n.longValue()) : "?";
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
