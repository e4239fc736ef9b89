package io.longstream.app.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak (issue 6, item 4), a longer harness only: skipped unless {@code -Dlongstream.reliability.soak-minutes=N}.
 * Measures the service's capacity on a burst of documents, then publishes at 80 % of it for N minutes,
 * sampling heap after a full GC, RSS and live native tensors every minute; reports the slopes (least squares
 * over the samples, MB per 10 minutes) and the throughput of every sample interval.
 */
class SoakIT {

  private static final Duration SAMPLE = Duration.ofSeconds(60);
  /** JIT, class loading and Kafka client buffers settle in the first minutes; the slope that matters is after. */
  private static final int WARM_UP_MINUTES = 5;

  @TempDir Path dir;

  @Test
  void shouldKeepMemoryFlatUnderSustainedLoad() throws Exception {
    int minutes = Workload.setting("soak-minutes", 0);
    Assumptions.assumeTrue(minutes > 0, "soak harness: set -Dlongstream.reliability.soak-minutes");
    int minChars = Workload.setting("min-chars", 1500);
    Report report = new Report("soak");
    try (BrokerProcess broker = BrokerProcess.start(dir.resolve("broker"));
        ServiceProcess service = ServiceProcess.create(dir, "service", broker.bootstrapServers(), Map.of())
            .jvmFlags(List.of("-Xmx1g", "-Dai.djl.offline=true"))) {
      service.start().awaitRunning(CrashRestartIT.STARTUP);
      OutputAudit audit = new OutputAudit(broker.bootstrapServers());
      double idleTensors = service.metric("longstream.engine.native.tensors");
      report.line("idle before the load: %.0f native tensors (the weights), heap after GC %.1f MB, RSS %.1f MB",
          idleTensors, service.heapAfterGc() / 1e6, service.rssBytes() / 1e6);

      List<Document> burst = Workload.documents("soak-burst-", 20, minChars);
      Instant burstStart = Instant.now();
      Workload.publish(broker.bootstrapServers(), burst);
      audit.awaitSummaries(burst.stream().map(Document::getId).toList(), Duration.ofMinutes(15), () -> {});
      double capacity = burst.size() / (Duration.between(burstStart, Instant.now()).toMillis() / 1000.0);
      double rate = 0.8 * capacity;
      report.line("capacity %.2f documents/s (%d documents of %d+ chars); soak at %.2f/s for %d min", capacity,
          burst.size(), minChars, rate, minutes);

      List<Document> pool = Workload.documents("soak-", 400, minChars);
      List<double[]> samples = new ArrayList<>(); // minute, heap MB, rss MB, tensors, documents
      AtomicInteger published = new AtomicInteger();
      Instant start = Instant.now();
      Instant end = start.plus(Duration.ofMinutes(minutes));
      Instant nextSample = start;
      double documentsBefore = service.metric("longstream.documents");
      try (KafkaProducer<String, byte[]> producer = Workload.producer(broker.bootstrapServers())) {
        SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
        while (Instant.now().isBefore(end)) {
          long dueMillis = (long) (published.get() * 1000 / rate);
          long sleep = dueMillis - Duration.between(start, Instant.now()).toMillis();
          if (sleep > 0) {
            ServiceProcess.sleep(Duration.ofMillis(Math.min(sleep, 1000)));
          } else {
            int n = published.getAndIncrement();
            Document d = pool.get(n % pool.size());
            String id = "soak-" + n;
            producer.send(new ProducerRecord<>("documents", id, codec.encode(Document.newBuilder(d).setId(id).build())));
          }
          if (!Instant.now().isBefore(nextSample)) {
            CrashRestartIT.assertAlive(service);
            double minute = Duration.between(start, Instant.now()).toMillis() / 60_000.0;
            double[] s = {minute, service.heapAfterGc() / 1e6, service.rssBytes() / 1e6,
                service.metric("longstream.engine.native.tensors"), service.metric("longstream.documents") - documentsBefore};
            samples.add(s);
            report.line("t=%5.1f min heap-after-GC %.1f MB, RSS %.1f MB, native tensors %.0f, documents %.0f (published %d)",
                s[0], s[1], s[2], s[3], s[4], published.get());
            nextSample = nextSample.plus(SAMPLE);
          }
        }
      }
      report.line("slopes over all %d samples: heap %+.2f MB/10 min, RSS %+.2f MB/10 min, tensors %+.2f /10 min",
          samples.size(), slope(samples, 1) * 10, slope(samples, 2) * 10, slope(samples, 3) * 10);
      List<double[]> warm = samples.stream().filter(s -> s[0] >= WARM_UP_MINUTES).toList();
      if (warm.size() >= 3) {
        report.line("slopes after %d min of warm-up (%d samples): heap %+.2f MB/10 min, RSS %+.2f MB/10 min, tensors %+.2f /10 min",
            WARM_UP_MINUTES, warm.size(), slope(warm, 1) * 10, slope(warm, 2) * 10, slope(warm, 3) * 10);
      }
      double[] last = samples.get(samples.size() - 1);
      report.line("throughput: %.0f documents in %.1f min = %.2f documents/s (published at %.2f/s)", last[4], last[0],
          last[4] / (last[0] * 60), rate);
      for (int i = 1; i < samples.size(); i++) {
        double[] a = samples.get(i - 1);
        double[] b = samples.get(i);
        report.line("  minute %4.1f-%4.1f: %.2f documents/s", a[0], b[0], (b[4] - a[4]) / ((b[0] - a[0]) * 60));
      }
      // Drain the backlog, then look at an idle service: only the weights' tensors may be left.
      Instant drain = Instant.now().plus(Duration.ofMinutes(20));
      while (service.metric("longstream.documents") - documentsBefore < published.get() && Instant.now().isBefore(drain)) {
        CrashRestartIT.assertAlive(service);
        ServiceProcess.sleep(Duration.ofSeconds(5));
      }
      ServiceProcess.sleep(Duration.ofSeconds(5));
      double tensorsAfter = service.metric("longstream.engine.native.tensors");
      report.line("idle after the load (%.0f of %d documents done): %.0f native tensors (before: %.0f), heap after GC %.1f MB,"
              + " RSS %.1f MB", service.metric("longstream.documents") - documentsBefore, published.get(), tensorsAfter,
          idleTensors, service.heapAfterGc() / 1e6, service.rssBytes() / 1e6);
      assertThat(service.isAlive()).isTrue();
      assertThat(tensorsAfter).as("native tensors left behind once idle").isEqualTo(idleTensors);
    }
  }

  /** Least-squares slope of column {@code y} against column 0, per unit of column 0 (minutes). */
  static double slope(List<double[]> samples, int y) {
    double n = samples.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (double[] s : samples) {
      sx += s[0];
      sy += s[y];
      sxx += s[0] * s[0];
      sxy += s[0] * s[y];
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }
}
