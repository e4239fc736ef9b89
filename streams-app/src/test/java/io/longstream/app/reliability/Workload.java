package io.longstream.app.reliability;

import io.longstream.app.analysis.ReferenceAnalysis;
import io.longstream.app.samples.EuroparlSamples;
import io.longstream.model.engine.BundledModels;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Documents for the harnesses (held-out English Europarl text, as the demo uses) and their reference outputs,
 * computed once per test JVM by the engine itself, uninterrupted, in the background while services start.
 */
final class Workload {

  private static final SingleObjectCodec<Document> CODEC = SingleObjectCodec.of(Document.class);
  private static final Map<String, ReferenceAnalysis.Outputs> REFERENCE = new ConcurrentHashMap<>();
  private static ReferenceAnalysis engine;

  private Workload() {}

  /** Size of a workload, from a system property (the longer harnesses raise it) or the CI default. */
  static int setting(String name, int ciDefault) {
    return Integer.getInteger("longstream.reliability." + name, ciDefault);
  }

  /** {@code count} documents of {@code minChars}+ characters, ids {@code prefix1..}. */
  static List<Document> documents(String prefix, int count, int minChars) {
    return EuroparlSamples.english(count, minChars, prefix);
  }

  /** Publishes documents as Avro single-object values keyed by id (idempotent producer, acks=all). */
  static List<RecordMetadata> publish(String bootstrap, List<Document> documents) {
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      List<Sent> sent = documents.stream()
          .map(d -> new Sent(producer.send(new ProducerRecord<>("documents", d.getId(), CODEC.encode(d)))))
          .toList();
      producer.flush();
      return sent.stream().map(Sent::get).toList();
    }
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
        ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), new ByteArraySerializer());
  }

  /** Reference outputs of {@code documents}, computed in the background (cached by id across tests). */
  static CompletableFuture<Map<String, ReferenceAnalysis.Outputs>> reference(List<Document> documents) {
    return CompletableFuture.supplyAsync(() -> {
      synchronized (Workload.class) {
        if (engine == null) {
          checkSameBundledModel();
          engine = ReferenceAnalysis.withDefaults();
        }
        for (Document d : documents) {
          REFERENCE.computeIfAbsent(d.getId() + "#" + d.getText().hashCode(), k -> engine.analyze(d));
        }
      }
      Map<String, ReferenceAnalysis.Outputs> byId = new ConcurrentHashMap<>();
      documents.forEach(d -> byId.put(d.getId(), REFERENCE.get(d.getId() + "#" + d.getText().hashCode())));
      return byId;
    });
  }

  /**
   * The reference must run the model the service runs: the bundled weights on this JVM's class path (the
   * model module, maybe from ~/.m2) against those inside longstream.jar. Another build's snapshot in ~/.m2
   * would otherwise make every comparison fail for a reason that is not the service's.
   */
  static void checkSameBundledModel() {
    String file = "models/" + BundledModels.DEFAULT + "/model.safetensors";
    try (ZipFile jar = new ZipFile(ChildProcesses.longstreamJar().toFile())) {
      ZipEntry lib = jar.stream().filter(e -> e.getName().matches("BOOT-INF/lib/longstream-model-.*\\.jar"))
          .findFirst().orElseThrow(() -> new IllegalStateException("no longstream-model jar in longstream.jar"));
      byte[] inJar = null;
      try (ZipInputStream model = new ZipInputStream(jar.getInputStream(lib))) {
        for (ZipEntry e = model.getNextEntry(); e != null; e = model.getNextEntry()) {
          if (e.getName().equals(file)) {
            inJar = model.readAllBytes();
          }
        }
      }
      byte[] here = Files.readAllBytes(BundledModels.directory(BundledModels.DEFAULT).resolve("model.safetensors"));
      if (!Arrays.equals(inJar, here)) {
        throw new IllegalStateException("the bundled model on the test class path differs from the one in "
            + ChildProcesses.longstreamJar() + ": build both from this tree (./mvnw verify -pl streams-app -am)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A send future, unwrapped. */
  private record Sent(java.util.concurrent.Future<RecordMetadata> future) {
    RecordMetadata get() {
      try {
        return future.get();
      } catch (Exception e) {
        throw new IllegalStateException("publish failed: " + e.getMessage(), e);
      }
    }
  }
}
