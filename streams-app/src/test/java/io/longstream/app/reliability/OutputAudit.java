package io.longstream.app.reliability;

import io.longstream.app.analysis.ReferenceAnalysis;
import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import io.longstream.schemas.wire.AvroDecodeException;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What a downstream consumer sees: every output topic read with {@code isolation.level=read_committed} from
 * the beginning up to its last stable offset, checked document by document against what must be there.
 */
final class OutputAudit {

  static final SingleObjectCodec<WindowEmbedding> WINDOWS = SingleObjectCodec.of(WindowEmbedding.class);
  static final SingleObjectCodec<WindowMetrics> METRICS = SingleObjectCodec.of(WindowMetrics.class);
  static final SingleObjectCodec<DocumentSummary> SUMMARIES = SingleObjectCodec.of(DocumentSummary.class);
  static final SingleObjectCodec<DeadLetter> DEAD_LETTERS = SingleObjectCodec.of(DeadLetter.class);

  private final String bootstrap;

  OutputAudit(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** Committed summaries of {@code docIds} so far, by document id (a duplicate counts once here). */
  Set<String> committedSummaries(Collection<String> docIds) {
    Set<String> wanted = new HashSet<>(docIds);
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<String, byte[]> r : readCommitted("summaries")) {
      if (wanted.contains(r.key())) {
        seen.add(r.key());
      }
    }
    return seen;
  }

  /** Waits until every document in {@code docIds} has a committed summary; returns how long it took. */
  Duration awaitSummaries(Collection<String> docIds, Duration timeout, Runnable whileWaiting) {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    Set<String> seen = Set.of();
    while (Instant.now().isBefore(deadline)) {
      seen = committedSummaries(docIds);
      if (seen.size() == docIds.size()) {
        return Duration.between(start, Instant.now());
      }
      whileWaiting.run();
      ServiceProcess.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("only " + seen.size() + " of " + docIds.size() + " summaries committed within " + timeout);
  }

  /** Every committed record of {@code topic}, from the beginning to the last stable offset. */
  List<ConsumerRecord<String, byte[]>> readCommitted(String topic) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30)); // the LSO here
      Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("cannot read " + topic + " to its end offsets " + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Checks that every document of {@code expected} has exactly its windows (0..n-1, each once), its metrics
   * (same indices), exactly one summary, and nothing else was published under its id; with a reference, also
   * that window embeddings and summaries are byte-identical to it and metrics equal apart from timing fields.
   *
   * @return the problems found, empty when all is well
   */
  List<String> checkExactlyOnce(Collection<String> expected, Map<String, ReferenceAnalysis.Outputs> reference) {
    Map<String, List<ConsumerRecord<String, byte[]>>> windows = byKey(readCommitted("windows"), expected);
    Map<String, List<ConsumerRecord<String, byte[]>>> metrics = byKey(readCommitted("metrics"), expected);
    Map<String, List<ConsumerRecord<String, byte[]>>> summaries = byKey(readCommitted("summaries"), expected);
    List<String> problems = new ArrayList<>();
    for (String docId : expected) {
      List<ConsumerRecord<String, byte[]>> docSummaries = summaries.getOrDefault(docId, List.of());
      if (docSummaries.size() != 1) {
        problems.add(docId + ": " + docSummaries.size() + " summaries");
        continue;
      }
      DocumentSummary summary = decode(SUMMARIES, docSummaries.get(0).value());
      int n = summary.getWindowCount();
      TreeMap<Integer, byte[]> windowByIndex = indexed(docId, "window", windows.get(docId), n, problems, WINDOWS,
          w -> w.getWindowIndex());
      TreeMap<Integer, byte[]> metricsByIndex = indexed(docId, "metrics", metrics.get(docId), n, problems, METRICS,
          m -> m.getWindowIndex());
      ReferenceAnalysis.Outputs ref = reference.get(docId);
      if (ref != null) {
        compare(docId, ref, docSummaries.get(0).value(), windowByIndex, metricsByIndex, problems);
      }
    }
    return problems;
  }

  /** The dead letters on the DLQ topic, by source offset ("partition@offset"), checking there is one each. */
  Map<String, List<DeadLetter>> deadLettersBySource() {
    Map<String, List<DeadLetter>> letters = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : readCommitted("dlq")) {
      DeadLetter letter = decode(DEAD_LETTERS, r.value());
      letters.computeIfAbsent(letter.getSourcePartition() + "@" + letter.getSourceOffset(), k -> new ArrayList<>())
          .add(letter);
    }
    return letters;
  }

  private interface Index<T> {
    int of(T record);
  }

  private static <T extends SpecificRecord> TreeMap<Integer, byte[]> indexed(String docId, String kind,
      List<ConsumerRecord<String, byte[]>> records, int windowCount, List<String> problems,
      SingleObjectCodec<T> codec, Index<T> index) {
    TreeMap<Integer, byte[]> byIndex = new TreeMap<>();
    for (ConsumerRecord<String, byte[]> r : records == null ? List.<ConsumerRecord<String, byte[]>>of() : records) {
      int i = index.of(decode(codec, r.value()));
      if (byIndex.put(i, r.value()) != null) {
        problems.add(docId + ": duplicate " + kind + " " + i);
      }
    }
    if (!byIndex.keySet().equals(range(windowCount))) {
      problems.add(docId + ": " + kind + " indices " + byIndex.keySet() + ", expected 0.." + (windowCount - 1));
    }
    return byIndex;
  }

  private static void compare(String docId, ReferenceAnalysis.Outputs ref, byte[] summary,
      TreeMap<Integer, byte[]> windows, TreeMap<Integer, byte[]> metrics, List<String> problems) {
    if (!Arrays.equals(ref.summary().get(0), summary)) {
      problems.add(docId + ": summary differs from the uninterrupted reference");
    }
    if (ref.windows().size() != windows.size()) {
      problems.add(docId + ": " + windows.size() + " windows, reference has " + ref.windows().size());
      return;
    }
    for (int i = 0; i < ref.windows().size(); i++) {
      if (!Arrays.equals(ref.windows().get(i), windows.get(i))) {
        problems.add(docId + ": window " + i + " embedding differs from the uninterrupted reference");
      }
      if (metrics.containsKey(i)) {
        WindowMetrics expected = withoutTiming(ref.metrics().get(i));
        WindowMetrics actual = withoutTiming(decode(METRICS, metrics.get(i)));
        // Compared as bytes: Avro's equals() says NaN != NaN (a one-token last window has a NaN perplexity).
        if (!Arrays.equals(METRICS.encode(expected), METRICS.encode(actual))) {
          problems.add(docId + ": window " + i + " metrics differ from the reference (timing fields aside): "
              + actual + " vs " + expected);
        }
      }
    }
  }

  /** Latency and tokens/s are wall-clock measurements: every other metric field is deterministic. */
  static WindowMetrics withoutTiming(WindowMetrics metrics) {
    return WindowMetrics.newBuilder(metrics).setLatencyMs(0).setTokensPerSecond(0).build();
  }

  private static Set<Integer> range(int n) {
    Set<Integer> all = new HashSet<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    return all;
  }

  private static Map<String, List<ConsumerRecord<String, byte[]>>> byKey(
      List<ConsumerRecord<String, byte[]>> records, Collection<String> keys) {
    Set<String> wanted = new HashSet<>(keys);
    Map<String, List<ConsumerRecord<String, byte[]>>> byKey = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      if (wanted.contains(r.key())) {
        byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
      }
    }
    return byKey;
  }

  static <T extends SpecificRecord> T decode(SingleObjectCodec<T> codec, byte[] value) {
    try {
      return codec.decode(value);
    } catch (AvroDecodeException e) {
      throw new AssertionError("unreadable output record: " + e.getMessage(), e);
    }
  }
}
