package io.longstream.model.cli;

import io.longstream.model.config.ModelConfig;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.evaluation.EvaluationReport;
import io.longstream.model.evaluation.PerplexityEvaluator;
import io.longstream.model.evaluation.PerplexityPoint;
import io.longstream.model.positional.RotaryEncoding;
import io.longstream.model.positional.rope.RopeScalings;
import io.longstream.model.tokenizer.TextTokenizer;
import io.longstream.model.training.Corpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code longstream eval}: perplexity against evaluation length for one or more models, in absolute and/or
 * rolling positions, written as a CSV, a Markdown table and a PNG chart. Definitions: {@link
 * PerplexityEvaluator}; usage and choices: docs/positional-encodings.md.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Perplexity vs evaluation length (train short, test long): CSV, Markdown table and PNG chart.")
public final class EvalCommand implements Callable<Integer> {

  /** What the evaluation text is without --text-file (for messages and the report). */
  static final String DEFAULT_TEXT_DESCRIPTION =
      "the held-out split of the training corpus (the last 2% of the Europarl documents, as `train` holds them out)";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, description = "checkpoint directory (repeat for several models)")
  List<Path> models;

  @Option(names = "--lengths", required = true, split = ",", description = "evaluation lengths L in tokens, e.g. 128,256,512")
  List<Integer> lengths;

  @Option(names = "--positions", required = true, split = ",", description = "absolute, rolling, or both: absolute,rolling")
  List<String> positions;

  @Option(names = "--sinks", split = ",", defaultValue = "4", description = "S for rolling mode, e.g. 0,4 (default: ${DEFAULT-VALUE})")
  List<Integer> sinks;

  @Option(names = "--chunk", description = "C for rolling mode (default: trained context / 8)")
  Integer chunk;

  @Option(names = "--eval-tokens", description = "E, tokens of the text to evaluate per length (default: the largest length)")
  Long evalTokens;

  @Option(names = "--rope-scaling", paramLabel = "TYPE:FACTOR", description = "RoPE scaling applied at inference to rope models, e.g. yarn:4")
  String ropeScaling;

  @Option(names = "--text-file", description = "UTF-8 evaluation text (default: the held-out 2%% of the bundled Europarl training corpus)")
  Path textFile;

  @Option(names = "--out", defaultValue = "eval", description = "output directory (default: ${DEFAULT-VALUE})")
  Path out;

  @Mixin EngineOptionsMixin engine;

  /** Runs the command with longstream's exit-code conventions (class-path runs without the launcher). */
  public static void main(String[] args) {
    System.exit(Cli.commandLine(new EvalCommand()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    List<Integer> sortedLengths = validatedLengths();
    Set<String> modes = validatedModes();
    validateSinks();
    String[] scaling = ropeScaling == null ? null : parseRopeScaling(ropeScaling);
    long budget = evalTokens != null ? evalTokens : sortedLengths.get(sortedLengths.size() - 1);
    if (budget < sortedLengths.get(sortedLengths.size() - 1)) {
      throw new IllegalArgumentException("--eval-tokens (" + budget + ") must be ≥ the largest length");
    }
    for (Path model : models) {
      if (!Files.isDirectory(model)) {
        throw new IllegalArgumentException("model directory not found: " + model);
      }
    }
    String text = readText();
    List<String> heldOut = text == null ? heldOutDocuments() : null;
    EngineOptions options = engine.engineOptions();
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    List<PerplexityPoint> points = new ArrayList<>();
    List<String> tokenCounts = new ArrayList<>();
    List<String> labels = labels();
    for (int i = 0; i < models.size(); i++) {
      try (LanguageModel lm = LanguageModel.load(models.get(i), options, override(scaling))) {
        long[] tokens = text != null ? lm.tokenizer().encode(text, false).ids() : documentTokens(lm.tokenizer(), heldOut);
        if (tokens.length < sortedLengths.get(0)) {
          throw new IllegalArgumentException(String.format(
              Locale.ROOT, "the evaluation text has %d %s tokens, fewer than the smallest length %d",
              tokens.length, labels.get(i), sortedLengths.get(0)));
        }
        tokenCounts.add(String.format(Locale.ROOT, "%s: %d tokens", labels.get(i), tokens.length));
        String applied = scaling != null && RotaryEncoding.NAME.equals(lm.config().positionalEncoding()) ? ropeScaling : "";
        PerplexityEvaluator evaluator = new PerplexityEvaluator(lm, labels.get(i), applied, tokens, budget);
        int c = chunk != null ? chunk : PerplexityEvaluator.defaultChunk(lm.config().trainedContext());
        for (int length : sortedLengths) {
          if (modes.contains("absolute")) {
            points.add(report(evaluator.absolute(length), tokens.length, stdout, stderr));
          }
          if (modes.contains("rolling")) {
            for (int s : sinks) {
              points.add(report(evaluator.rolling(length, s, c), tokens.length, stdout, stderr));
            }
          }
        }
      }
    }
    new EvaluationReport(points, description(String.join("; ", tokenCounts), budget)).write(out);
    stdout.println("wrote " + out.resolve(EvaluationReport.CSV) + ", " + EvaluationReport.MARKDOWN + ", " + EvaluationReport.PNG);
    stdout.flush();
    return 0;
  }

  private PerplexityPoint report(PerplexityPoint p, int textTokens, PrintWriter stdout, PrintWriter stderr) {
    if (!p.ok()) {
      stderr.printf(Locale.ROOT, "warning: %s L=%d skipped: the text has %d tokens%n", p.series(), p.length(), textTokens);
      stderr.flush();
    } else {
      stdout.printf(
          Locale.ROOT, "%s L=%d: perplexity %.3f over %d predictions (%d windows, %.1f s)%n",
          p.series(), p.length(), p.perplexity(), p.tokensScored(), p.windows(), p.seconds());
      stdout.flush();
    }
    return p;
  }

  private List<Integer> validatedLengths() {
    List<Integer> sorted = new ArrayList<>(new java.util.TreeSet<>(lengths));
    if (sorted.get(0) < 2) {
      throw new IllegalArgumentException("--lengths must be ≥ 2 tokens (one prediction needs two), got " + sorted.get(0));
    }
    return sorted;
  }

  private Set<String> validatedModes() {
    Set<String> modes = new LinkedHashSet<>();
    for (String p : positions) {
      String mode = p.trim().toLowerCase(Locale.ROOT);
      if (!mode.equals("absolute") && !mode.equals("rolling")) {
        throw new IllegalArgumentException("--positions takes absolute and/or rolling, got '" + p + "'");
      }
      modes.add(mode);
    }
    return modes;
  }

  private void validateSinks() {
    for (int s : sinks) {
      if (s < 0) {
        throw new IllegalArgumentException("--sinks must be ≥ 0, got " + s);
      }
    }
    if (chunk != null && chunk < 1) {
      throw new IllegalArgumentException("--chunk must be ≥ 1, got " + chunk);
    }
  }

  /** TYPE:FACTOR with a known rope type and a positive factor. */
  static String[] parseRopeScaling(String value) {
    String[] parts = value.split(":", -1);
    if (parts.length != 2 || parts[0].isBlank()) {
      throw new IllegalArgumentException("--rope-scaling takes TYPE:FACTOR, e.g. yarn:4, got '" + value + "'");
    }
    if (!RopeScalings.knownTypes().contains(parts[0])) {
      throw new IllegalArgumentException("--rope-scaling: unknown type '" + parts[0] + "'; known: " + RopeScalings.knownTypes());
    }
    double factor;
    try {
      factor = Double.parseDouble(parts[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--rope-scaling: factor must be a number, got '" + parts[1] + "'");
    }
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("--rope-scaling: factor must be > 0, got " + parts[1]);
    }
    return parts;
  }

  /** Applies the RoPE override to rope models only; other schemes have no rope parameters to scale. */
  private static UnaryOperator<ModelConfig> override(String[] scaling) {
    if (scaling == null) {
      return UnaryOperator.identity();
    }
    double factor = Double.parseDouble(scaling[1]);
    return config -> RotaryEncoding.NAME.equals(config.positionalEncoding())
        ? config.withRope(config.rope().withScaling(scaling[0], factor))
        : config;
  }

  /** Directory names, or full paths when two models share a name. */
  private List<String> labels() {
    Set<String> seen = new HashSet<>();
    boolean clash = false;
    for (Path m : models) {
      clash |= !seen.add(name(m));
    }
    List<String> labels = new ArrayList<>();
    for (Path m : models) {
      labels.add(clash ? m.toString() : name(m));
    }
    return labels;
  }

  private static String name(Path model) {
    Path file = model.toAbsolutePath().normalize().getFileName();
    return file == null ? model.toString() : file.toString();
  }

  /** The --text-file's text, or null for the default (the held-out documents). */
  private String readText() throws IOException {
    if (textFile == null) {
      return null;
    }
    if (!Files.isRegularFile(textFile)) {
      throw new IllegalArgumentException("text file not found: " + textFile);
    }
    return Files.readString(textFile);
  }

  /** The documents {@code train} holds out of the default corpus ({@link Corpus#heldOut}, same fraction). */
  static List<String> heldOutDocuments() {
    return Corpus.europarl().heldOut(Corpus.DEFAULT_HELD_OUT_FRACTION).documents();
  }

  /**
   * Documents back to back, each tokenized with the tokenizer's special tokens (its BOS): the layout of the
   * trainer's token streams ({@link io.longstream.model.training.TokenSplit}), so for the byte-level
   * tokenizer the held-out documents give exactly the trainer's validation tokens.
   */
  static long[] documentTokens(TextTokenizer tokenizer, List<String> documents) {
    List<long[]> encoded = new ArrayList<>(documents.size());
    int total = 0;
    for (String document : documents) {
      long[] ids = tokenizer.encode(document, true).ids();
      encoded.add(ids);
      total = Math.addExact(total, ids.length);
    }
    long[] out = new long[total];
    int at = 0;
    for (long[] ids : encoded) {
      System.arraycopy(ids, 0, out, at, ids.length);
      at += ids.length;
    }
    return out;
  }

  private String description(String tokenCounts, long budget) {
    String source = textFile != null
        ? "`" + textFile + "`, tokenized by each model's tokenizer without special tokens"
        : DEFAULT_TEXT_DESCRIPTION + ", each document tokenized by each model's tokenizer with its special tokens (BOS)";
    return String.join(
        "\n\n",
        "Text: " + source + " (" + tokenCounts + ").",
        "Each length L scores the ⌊E/L⌋ non-overlapping windows of L tokens in the first E = " + budget
            + " tokens of the text (fewer when the text is shorter). Each window starts from an empty cache and all"
            + " of its L − 1 predictions are scored; perplexity = exp(mean nll).",
        "- **absolute**: one causal forward per window at positions 0 … L − 1.\n"
            + "- **rolling**: the window streamed through the sink cache with S sinks, chunk C and"
            + " W = trained context − S − C (positions stay inside the trained context)."
            + (ropeScaling != null ? "\n- RoPE models run with `--rope-scaling " + ropeScaling + "`." : ""));
  }
}
