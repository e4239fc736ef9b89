package io.longstream.model.cli;

import ai.djl.ndarray.NDManager;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.transformer.NoGrad;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.transformer.DecoderModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code longstream bench}: throughput of a full forward or of streaming, on random token ids, printed as
 * one JSON object (the figures in docs/BENCHMARKS.md come from here, side by side with the dev-only Python
 * references in model/src/test/python).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure full-forward or streaming throughput and memory; prints JSON.")
public final class BenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Parameters(index = "0", description = "forward or stream")
  String what;

  @Option(names = "--tokens", defaultValue = "1024", description = "sequence (forward) or document (stream) length")
  int tokens;

  @Option(names = "--iterations", defaultValue = "5", description = "timed repetitions (forward)")
  int iterations;

  @Option(names = "--warmup", defaultValue = "2", description = "untimed repetitions first (forward)")
  int warmup;

  @Option(names = "--sinks", defaultValue = "4") int sinks;

  @Option(names = "--window", defaultValue = "1024") int window;

  @Option(names = "--chunk", defaultValue = "256") int chunk;

  @Option(names = "--positions", defaultValue = "rolling") String positions;

  @Option(names = "--seed", defaultValue = "0") long seed;

  @Mixin StagesOption stages;

  @Override
  public Integer call() {
    if (tokens < 2 || iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException("--tokens must be ≥ 2, --iterations ≥ 1, --warmup ≥ 0");
    }
    long began = System.nanoTime();
    // Streaming spends the threads per ThreadPlan (pipeline stages on a CPU); a full forward is one step.
    StreamingEngine engine = what.equals("stream") ? modelOptions.loadStreaming(stages.stages) : null;
    try (NoGrad noGrad = NoGrad.enter();
        LanguageModel lm = engine != null ? engine.languageModel() : modelOptions.load()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("load_seconds", (System.nanoTime() - began) / 1e9);
      out.put("rss_after_load_mb", rssMegabytes("VmRSS"));
      long[] ids = new Random(seed).longs(tokens, 0, lm.config().vocabSize()).toArray();
      switch (what) {
        case "forward" -> forward(lm, ids, out);
        case "stream" -> stream(engine, ids, out);
        default -> throw new IllegalArgumentException("bench takes 'forward' or 'stream', got '" + what + "'");
      }
      out.put("peak_rss_mb", rssMegabytes("VmHWM"));
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(out));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private void forward(LanguageModel lm, long[] ids, Map<String, Object> out) {
    DecoderModel model = lm.model();
    long[] positions = new long[ids.length];
    Arrays.setAll(positions, i -> i);
    double[] seconds = new double[iterations];
    for (int i = -warmup; i < iterations; i++) {
      try (NDManager m = lm.manager().newSubManager()) {
        long t0 = System.nanoTime();
        model.forward(m, model.tokens(m, ids), positions, model.noCache()).logits().toFloatArray();
        if (i >= 0) {
          seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
    }
    Arrays.sort(seconds);
    double median = seconds[seconds.length / 2];
    out.put("mode", "forward");
    out.put("tokens", ids.length);
    out.put("seconds_median", median);
    out.put("seconds_all", seconds);
    out.put("tokens_per_second", ids.length / median);
  }

  private void stream(StreamingEngine engine, long[] ids, Map<String, Object> out) {
    StreamingSettings settings = new StreamingSettings(sinks, window, chunk, PositionMode.parse(positions), 0);
    long t0 = System.nanoTime();
    try (DocumentStream stream = engine.open(settings)) {
      stream.feed(ids);
      stream.finish();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.put("mode", "stream-" + settings.mode().label());
    out.put("tokens", ids.length);
    out.put("settings", Map.of("sinks", sinks, "window", window, "chunk", chunk));
    out.put("stages", engine.stages());
    out.put("seconds", seconds);
    out.put("tokens_per_second", ids.length / seconds);
  }

  /** A field of /proc/self/status in MiB (VmRSS now, VmHWM peak), or -1 where /proc is absent. */
  static double rssMegabytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
