package io.longstream.model.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.training.Corpus;
import io.longstream.model.training.ModelShape;
import io.longstream.model.training.TokenSplit;
import io.longstream.model.training.Trainer;
import io.longstream.model.training.TrainingListener;
import io.longstream.model.training.TrainingResult;
import io.longstream.model.training.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code longstream train}: trains a byte-level Llama-layout model from scratch on a corpus (the bundled
 * Europarl by default) and writes a Hugging Face checkpoint that {@code forward}, {@code stream} and {@code
 * eval} load. See docs/training.md.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a byte-level Llama-layout model from scratch; writes a Hugging Face checkpoint.",
    sortOptions = false)
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--pe", defaultValue = "rope", description = "positional scheme (registry name; default: ${DEFAULT-VALUE})")
  String positional;

  @Option(names = "--context", description = "training context in tokens (required unless --resume)")
  Integer context;

  @Option(names = "--out", required = true, description = "output directory (final checkpoint; checkpoint-STEP/ inside)")
  Path out;

  @Option(names = "--resume", description = "continue the run saved in this checkpoint directory (its recipe and shape win)")
  Path resume;

  @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps (default: ${DEFAULT-VALUE})")
  int steps;

  @Option(names = "--batch", defaultValue = "16", description = "sequences per step (default: ${DEFAULT-VALUE})")
  int batch;

  @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  double learningRate;

  @Option(names = "--min-lr", description = "final learning rate of the cosine decay (default: lr / 10)")
  Double minLearningRate;

  @Option(names = "--warmup", description = "linear warm-up steps (default: 5%% of the steps, at most 200)")
  Integer warmup;

  @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW decoupled weight decay (default: ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(names = "--clip", defaultValue = "1.0", description = "global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE})")
  double clip;

  @Option(names = "--seed", defaultValue = "1234", description = "seed of the weights and batches (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--eval-every", defaultValue = "100", description = "steps between held-out evaluations (default: ${DEFAULT-VALUE})")
  int evalEvery;

  @Option(names = "--eval-batches", defaultValue = "8", description = "batches per evaluation (default: ${DEFAULT-VALUE})")
  int evalBatches;

  @Option(names = "--checkpoint-every", defaultValue = "0", description = "steps between checkpoints, 0 = final only (default: ${DEFAULT-VALUE})")
  int checkpointEvery;

  @Option(names = "--hidden", defaultValue = "256", description = "hidden size D (default: ${DEFAULT-VALUE})")
  int hidden;

  @Option(names = "--layers", defaultValue = "4", description = "decoder layers (default: ${DEFAULT-VALUE})")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "attention heads H (default: ${DEFAULT-VALUE})")
  int heads;

  @Option(names = "--kv-heads", defaultValue = "2", description = "key/value heads Hkv (default: ${DEFAULT-VALUE})")
  int kvHeads;

  @Option(names = "--intermediate", description = "SwiGLU width F (default: 8/3·D rounded up to a multiple of 64)")
  Integer intermediate;

  @Option(names = "--rope-theta", defaultValue = "10000", description = "RoPE base (default: ${DEFAULT-VALUE})")
  double ropeTheta;

  @Option(names = "--tie-embeddings", description = "share the embedding matrix with the LM head")
  boolean tieEmbeddings;

  @Option(names = "--corpus", defaultValue = Corpus.EUROPARL, description = "'europarl' (bundled) or a UTF-8 file, one document per line (default: ${DEFAULT-VALUE})")
  String corpus;

  @Option(names = "--max-documents", description = "use only the first N documents of the corpus")
  Integer maxDocuments;

  @Option(names = "--validation-fraction", defaultValue = "0.02", description = "last fraction of documents held out (default: ${DEFAULT-VALUE})")
  double validationFraction;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
  String device;

  @Option(names = "--threads", defaultValue = "0", description = "libtorch intra-op threads; 0 = default")
  int threads;

  @Option(names = "--no-progress", description = "no progress bar (evaluations are still printed)")
  boolean noProgress;

  /** Runs the command with longstream's exit-code conventions (for scripts and tests). */
  public static void main(String[] args) {
    System.exit(Cli.commandLine(new TrainCommand()).execute(args));
  }

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    Device target = new EngineOptions(device, "float32", threads).resolvedDevice();
    ModelShape shape = resume == null ? shape() : null;
    TrainingSettings settings = resume == null ? settings() : null;
    Engine.getEngine("PyTorch");
    if (threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    Corpus text = Corpus.named(corpus);
    TokenSplit data = TokenSplit.of(maxDocuments == null ? text : text.head(maxDocuments), validationFraction);
    stdout.printf(Locale.ROOT, "corpus %s: %,d training and %,d held-out tokens%n", text.name(), data.train().length, data.validation().length);
    try (Progress progress = new Progress(stdout, spec.commandLine().getErr(), !noProgress);
        Trainer trainer = resume == null
            ? Trainer.start(shape, settings, data, out, progress, target)
            : Trainer.resume(resume, data, out, progress, target)) {
      TrainingResult result = trainer.run();
      progress.close();
      stdout.printf(
          Locale.ROOT,
          "done: %d steps, %,d parameters, eval loss %.4f → %.4f, %.0f tokens/s, %.1f min of training; saved %s%n",
          result.steps(), result.parameters(), result.first().evalLoss(), result.last().evalLoss(),
          result.tokensPerSecond(), result.trainingSeconds() / 60, result.directory());
    }
    stdout.flush();
    return 0;
  }

  private ModelShape shape() {
    if (context == null) {
      throw new IllegalArgumentException("--context is required (unless --resume)");
    }
    if (!PositionalEncodings.known().contains(positional)) {
      throw new IllegalArgumentException("unknown positional encoding '" + positional + "'; known: " + PositionalEncodings.known());
    }
    int width = intermediate != null ? intermediate : (int) Math.ceil(hidden * 8.0 / 3 / 64) * 64;
    return new ModelShape(hidden, layers, heads, kvHeads, width, ByteTokenizer.VOCAB_SIZE, context, positional, ropeTheta, tieEmbeddings);
  }

  private TrainingSettings settings() {
    TrainingSettings.Builder builder = TrainingSettings.builder()
        .steps(steps)
        .batchSize(batch)
        .learningRate(learningRate)
        .weightDecay(weightDecay)
        .clipNorm(clip)
        .seed(seed)
        .evalEvery(evalEvery)
        .evalBatches(evalBatches)
        .checkpointEvery(checkpointEvery);
    if (minLearningRate != null) {
      builder.minLearningRate(minLearningRate);
    }
    if (warmup != null) {
      builder.warmupSteps(warmup);
    }
    return builder.build();
  }

  /**
   * Progress bar (me.tongfei:progressbar) with loss, tokens/s and ETA on stderr; evaluations and checkpoints
   * as plain lines on stdout. Without a terminal the bar is printed as a line every 30 s.
   */
  private static final class Progress implements TrainingListener, AutoCloseable {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean enabled;
    private ProgressBar bar;
    private double smoothedLoss = Double.NaN;
    private double smoothedRate = Double.NaN;

    Progress(PrintWriter out, PrintWriter err, boolean enabled) {
      this.out = out;
      this.err = err;
      this.enabled = enabled;
    }

    @Override
    public void onStart(int firstStep, int totalSteps, long parameters) {
      out.printf(Locale.ROOT, "training %,d parameters from step %d to %d%n", parameters, firstStep, totalSteps);
      out.flush();
      if (enabled) {
        boolean terminal = System.console() != null;
        bar = new ProgressBarBuilder()
            .setTaskName("train")
            .setInitialMax(totalSteps)
            .startsFrom(firstStep, Duration.ZERO)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(terminal ? 500 : 30_000)
            .setConsumer(terminal
                ? new ConsoleProgressBarConsumer(System.err)
                : new DelegatingProgressBarConsumer(line -> { err.println(line); err.flush(); }))
            .build();
      }
    }

    @Override
    public void onStep(Step step) {
      smoothedLoss = Double.isNaN(smoothedLoss) ? step.loss() : 0.95 * smoothedLoss + 0.05 * step.loss();
      smoothedRate = Double.isNaN(smoothedRate) ? step.tokensPerSecond() : 0.9 * smoothedRate + 0.1 * step.tokensPerSecond();
      if (bar != null) {
        bar.stepTo(step.step());
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.3f  %,.0f tok/s  lr %.2e", smoothedLoss, smoothedRate, step.learningRate()));
      }
    }

    @Override
    public void onEvaluation(Evaluation e) {
      out.printf(Locale.ROOT, "step %d: train loss %.4f, eval loss %.4f%n", e.step(), e.trainLoss(), e.evalLoss());
      out.flush();
    }

    @Override
    public void onCheckpoint(int step, Path directory) {
      out.printf(Locale.ROOT, "step %d: checkpoint %s%n", step, directory);
      out.flush();
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
