package io.longstream.model.cli;

import io.longstream.model.engine.LanguageModel;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.streaming.WindowDiagnostics;
import io.longstream.model.streaming.WindowResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code longstream stream}: one document through the attention-sink cache, windows as JSON. */
@Command(name = "stream", mixinStandardHelpOptions = true, description = "Stream one document through the sink cache and print per-token nll and per-window results as JSON.")
public final class StreamCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Mixin StagesOption stages;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--tokens-file", description = "token ids separated by commas or whitespace")
    Path tokensFile;

    @Option(names = "--text-file", description = "UTF-8 text, tokenized with the model's tokenizer.json")
    Path textFile;
  }

  @Option(names = "--sinks", defaultValue = "4", description = "S, sink tokens kept forever (default: ${DEFAULT-VALUE})")
  int sinks;

  @Option(names = "--window", description = "W, recent tokens kept (default: trained context - S - C)")
  Integer window;

  @Option(names = "--chunk", description = "C, tokens per forward step (default: min(256, trained context / 4))")
  Integer chunk;

  @Option(names = "--positions", defaultValue = "rolling", description = "rolling, absolute or recompute (default: ${DEFAULT-VALUE})")
  String positions;

  @Option(names = "--diagnostics", description = "compute attention diagnostics for every window")
  boolean diagnostics;

  /** Runs the command with longstream's exit-code conventions (class-path runs without the launcher). */
  public static void main(String[] args) {
    System.exit(Cli.commandLine(new StreamCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PositionMode mode = PositionMode.parse(positions);
    Path file = input.tokensFile != null ? input.tokensFile : input.textFile;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("file not found: " + file);
    }
    StreamingEngine engine = modelOptions.loadStreaming(stages.stages);
    try (LanguageModel lm = engine.languageModel()) {
      StreamingSettings settings = StreamingSettings.forModel(
          lm.config().trainedContext(), sinks, window, chunk, mode, diagnostics ? 1.0 : 0.0);
      long[] tokens = tokens(lm, file);
      List<Float> nll = new ArrayList<>();
      List<Map<String, Object>> windows = new ArrayList<>();
      try (DocumentStream stream = engine.open(settings)) {
        List<WindowResult> results = new ArrayList<>(stream.feed(tokens));
        results.addAll(stream.finish());
        for (WindowResult r : results) {
          for (float x : r.nll()) {
            nll.add(x);
          }
          windows.add(window(r));
        }
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("settings", Map.of(
          "sinks", settings.sinks(), "window", settings.window(), "chunk", settings.chunk(), "positions", mode.label()));
      out.put("nll", nll);
      out.put("windows", windows);
      spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(out));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private long[] tokens(LanguageModel lm, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    long[] ids = input.tokensFile != null
        ? TokenIds.parse(text, lm.config().vocabSize())
        : lm.tokenizer().encode(text, true).ids();
    if (ids.length == 0) {
      throw new IllegalArgumentException("the document has no tokens");
    }
    return ids;
  }

  private static Map<String, Object> window(WindowResult r) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("index", r.index());
    w.put("start", r.tokenStart());
    w.put("end", r.tokenEnd());
    w.put("embedding", r.embedding());
    WindowDiagnostics d = r.diagnostics();
    w.put("mean_nll", finite(d.meanNll()));
    w.put("perplexity", finite(d.perplexity()));
    if (d.sampled()) {
      w.put("sink_mass", d.sinkMass());
      w.put("sink_mass_per_layer", d.sinkMassPerLayer());
      w.put("attention_entropy", d.entropy());
      w.put("attention_entropy_per_layer", d.entropyPerLayer());
    }
    w.put("max_position", d.maxPosition());
    w.put("trained_context", d.trainedContext());
    w.put("rope_long_wavelength_dims", d.longWavelengthDims());
    w.put("rope_dims_past_trained_angles", d.dimsPastTrainedAngles());
    w.put("rope_effective_scale", d.effectiveRopeScale());
    w.put("cache_sinks", d.cacheSinks());
    w.put("cache_recent", d.cacheRecent());
    w.put("cache_bytes", d.cacheBytes());
    w.put("latency_ms", d.latencyMillis());
    w.put("tokens_per_second", d.tokensPerSecond());
    return w;
  }

  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
