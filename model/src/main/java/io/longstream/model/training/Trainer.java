package io.longstream.model.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import io.longstream.model.positional.ParameterSource;
import io.longstream.model.positional.PositionalEncoding;
import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.WeightLoader;
import io.longstream.model.weights.Checkpoint;
import io.longstream.model.weights.SafetensorsFile;
import io.longstream.model.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a causal language model from scratch with the serving {@link DecoderModel} (one model
 * definition), on CPU float32 or a GPU: next-token cross-entropy on random windows of {@code context}
 * tokens, AdamW with warm-up and cosine decay, global-norm gradient clipping, periodic held-out evaluation,
 * and Hugging Face checkpoints that can be resumed.
 *
 * <p>Determinism: the initial weights and every batch come from seeded Java generators and the model has
 * no dropout, so with the same seed, recipe and thread count a CPU run repeats its loss curve bit for bit,
 * and a run resumed from a checkpoint continues exactly as the uninterrupted one.
 *
 * <p>Memory: one sub-manager and {@link NDScope} per step keep native memory flat. Only one trainer may
 * run per JVM at a time (DJL allows one {@link GradientCollector}).
 */
public final class Trainer implements AutoCloseable {

  /** Optimizer moments, next to the weights of a checkpoint. */
  public static final String OPTIMIZER_FILE = "optimizer.safetensors";

  private static final String FIRST_MOMENT = "exp_avg.";
  private static final String SECOND_MOMENT = "exp_avg_sq.";

  private final ModelConfig config;
  private final TrainingSettings settings;
  private final TokenSplit data;
  private final Path out;
  private final TrainingListener listener;
  private final NDManager manager;
  private final DecoderModel model;
  private final Map<String, NDArray> parameters;
  private final AdamW optimizer;
  private final WindowSampler sampler;
  private final long[] positions;
  private final List<TrainingListener.Evaluation> evaluations = new ArrayList<>();
  private int step;
  private long tokensSeen;
  private double trainingSeconds;
  private double lossSinceEvaluation;
  private int stepsSinceEvaluation;

  private Trainer(
      ModelConfig config, TrainingSettings settings, TokenSplit data, Path out, TrainingListener listener, Device device) {
    this.config = config;
    this.settings = settings;
    this.data = data;
    this.out = out;
    this.listener = listener;
    Engine.getEngine("PyTorch");
    this.manager = NDManager.newBaseManager(device, "PyTorch");
    DecoderWeights weights = WeightInit.random(config, manager, settings.seed());
    // Learned schemes (learned, t5) draw their tables from the seed; the others take nothing from the source.
    PositionalEncoding positional = PositionalEncodings.create(
        config, DataType.FLOAT32, ParameterSource.random(settings.seed(), manager, DataType.FLOAT32, device));
    this.model = new DecoderModel(config, weights, positional, DataType.FLOAT32, device);
    this.parameters = new LinkedHashMap<>(NamedParameters.of(weights));
    this.parameters.putAll(positional.namedParameters());
    this.optimizer = new AdamW(settings.adamW(), parameters, manager);
    this.sampler = new WindowSampler(data, config.maxPositionEmbeddings(), settings.seed());
    this.positions = new long[config.maxPositionEmbeddings()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
  }

  /** A new model of {@code shape}, randomly initialised from the recipe's seed. */
  public static Trainer start(ModelShape shape, TrainingSettings settings, TokenSplit data, Path out, TrainingListener listener, Device device) {
    return new Trainer(shape.toConfig(), settings, data, out, listener, device);
  }

  /**
   * Continues the run saved in {@code checkpoint} (a directory written by {@link #run()}): weights,
   * optimizer moments, step, sampler state and recipe, so that it ends exactly as the uninterrupted run.
   */
  public static Trainer resume(Path checkpoint, TokenSplit data, Path out, TrainingListener listener, Device device) {
    TrainerState state = TrainerState.read(checkpoint);
    ModelConfig config = ModelConfigParser.parse(checkpoint.resolve("config.json"));
    ModelShape.of(config); // rejects what this trainer cannot train (biases, scaled RoPE, other families)
    Trainer trainer = new Trainer(config, state.settings(), data, out, listener, device);
    try {
      trainer.restore(checkpoint, state);
    } catch (RuntimeException e) {
      trainer.close();
      throw e;
    }
    return trainer;
  }

  public DecoderModel model() {
    return model;
  }

  public ModelConfig config() {
    return config;
  }

  /** Trains up to the recipe's last step, evaluating and checkpointing on the way; saves the final model in {@code out}. */
  public TrainingResult run() {
    boolean gradModeBefore = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // in-place updates and evaluation must not record (the collector turns it on)
    try {
      return trainToTheEnd();
    } finally {
      JniUtils.setGradMode(gradModeBefore);
    }
  }

  private TrainingResult trainToTheEnd() {
    parameters.values().forEach(p -> p.setRequiresGradient(true));
    listener.onStart(step, settings.steps(), parameterCount());
    if (step == 0) {
      evaluate();
    }
    LearningRateSchedule schedule = settings.schedule();
    while (step < settings.steps()) {
      long started = System.nanoTime();
      double learningRate = schedule.at(step);
      double[] lossAndNorm = trainStep(learningRate);
      double seconds = (System.nanoTime() - started) / 1e9;
      step++;
      long tokens = (long) settings.batchSize() * positions.length;
      tokensSeen += tokens;
      trainingSeconds += seconds;
      lossSinceEvaluation += lossAndNorm[0];
      stepsSinceEvaluation++;
      listener.onStep(new TrainingListener.Step(
          step, settings.steps(), lossAndNorm[0], learningRate, lossAndNorm[1], tokens / seconds));
      if (step % settings.evalEvery() == 0 || step == settings.steps()) {
        evaluate();
      }
      if (settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0 && step < settings.steps()) {
        save(out.resolve(String.format("checkpoint-%06d", step)));
      }
    }
    save(out);
    return new TrainingResult(
        out, step, parameterCount(), List.copyOf(evaluations), tokensSeen / Math.max(trainingSeconds, 1e-9), trainingSeconds);
  }

  /** One AdamW step on one batch; returns the batch loss and the gradient norm before clipping. */
  private double[] trainStep(double learningRate) {
    try (NDManager stepManager = manager.newSubManager();
        NDScope scope = new NDScope()) {
      long[][] batch = sampler.nextBatch(settings.batchSize());
      double loss;
      try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray batchLoss = loss(stepManager, batch);
        collector.backward(batchLoss);
        loss = batchLoss.getFloat();
      }
      double norm = clipGradients();
      optimizer.update(learningRate);
      parameters.values().forEach(p -> JniUtils.zeroGrad((PtNDArray) p));
      return new double[] {loss, norm};
    }
  }

  /** Mean next-token cross-entropy of a batch of windows (inputs = window[0..L), targets = window[1..L]). */
  private NDArray loss(NDManager stepManager, long[][] windows) {
    int b = windows.length;
    int l = positions.length;
    long[] inputs = new long[b * l];
    long[] targets = new long[b * l];
    for (int i = 0; i < b; i++) {
      System.arraycopy(windows[i], 0, inputs, i * l, l);
      System.arraycopy(windows[i], 1, targets, i * l, l);
    }
    NDArray tokens = stepManager.create(inputs, new Shape(b, l)).toDevice(model.device(), false);
    NDArray expected = stepManager.create(targets, new Shape(b, l, 1)).toDevice(model.device(), false);
    NDArray logits = model.forward(stepManager, tokens, positions, model.noCache()).logits(); // [B, L, V]
    return logits.logSoftmax(2).gather(expected, 2).mean().neg();
  }

  /** Scales every gradient by min(1, clip / (‖g‖ + 1e-6)) as {@code torch.nn.utils.clip_grad_norm_}. */
  private double clipGradients() {
    NDArray sumOfSquares = null;
    for (NDArray p : parameters.values()) {
      NDArray s = p.getGradient().square().sum();
      sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
    }
    double norm = Math.sqrt(sumOfSquares.getFloat());
    double coefficient = settings.clipNorm() / (norm + 1e-6);
    if (settings.clipNorm() > 0 && coefficient < 1) {
      parameters.values().forEach(p -> p.getGradient().muli(coefficient));
    }
    return norm;
  }

  /** Mean loss on fixed, evenly spaced windows of the validation stream (the same windows every time). */
  private void evaluate() {
    int count = settings.evalBatches() * settings.batchSize();
    long[][] windows = WindowSampler.evenlySpaced(data.validation(), positions.length, count);
    double total = 0;
    for (int first = 0; first < count; first += settings.batchSize()) {
      long[][] batch = Arrays.copyOfRange(windows, first, first + settings.batchSize());
      try (NDManager evalManager = manager.newSubManager();
          NDScope scope = new NDScope()) {
        total += loss(evalManager, batch).getFloat();
      }
    }
    double trainLoss = stepsSinceEvaluation == 0 ? Double.NaN : lossSinceEvaluation / stepsSinceEvaluation;
    lossSinceEvaluation = 0;
    stepsSinceEvaluation = 0;
    TrainingListener.Evaluation evaluation = new TrainingListener.Evaluation(step, trainLoss, total / settings.evalBatches());
    evaluations.add(evaluation);
    listener.onEvaluation(evaluation);
  }

  /** Writes the HF checkpoint plus optimizer moments and trainer state into {@code dir}. */
  private void save(Path dir) {
    CheckpointWriter.write(dir, config, model.weights(), model.positional().namedParameters(), ByteTokenizer.tokenizerJson());
    SafetensorsWriter moments = new SafetensorsWriter().metadata("format", "pt").metadata("step", Integer.toString(step));
    optimizer.firstMoments().forEach((name, m) -> moments.add(FIRST_MOMENT + name, m));
    optimizer.secondMoments().forEach((name, v) -> moments.add(SECOND_MOMENT + name, v));
    try {
      moments.write(dir.resolve(OPTIMIZER_FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(OPTIMIZER_FILE) + ": " + e.getMessage(), e);
    }
    new TrainerState(
            step, sampler.state(), tokensSeen, trainingSeconds, lossSinceEvaluation, stepsSinceEvaluation, settings,
            List.copyOf(evaluations))
        .write(dir);
    listener.onCheckpoint(step, dir);
  }

  private void restore(Path checkpoint, TrainerState state) {
    try (NDManager loading = manager.newSubManager();
        Checkpoint weights = Checkpoint.open(checkpoint);
        SafetensorsFile moments = SafetensorsFile.open(checkpoint.resolve(OPTIMIZER_FILE))) {
      // Copy into the trainer's own arrays: loaded tensors may be read-only file mappings.
      DecoderWeights saved = WeightLoader.load(weights, config, loading, DataType.FLOAT32, model.device());
      NamedParameters.of(saved).forEach((name, array) -> parameters.get(name).set(array.toFloatArray()));
      ParameterSource stored = ParameterSource.checkpoint(weights, loading, DataType.FLOAT32, model.device());
      model.positional().namedParameters().forEach(
          (name, array) -> array.set(stored.tensor(name, array.getShape(), 0).toFloatArray()));
      Map<String, NDArray> first = new HashMap<>();
      Map<String, NDArray> second = new HashMap<>();
      for (String name : parameters.keySet()) {
        first.put(name, moments.load(FIRST_MOMENT + name, loading));
        second.put(name, moments.load(SECOND_MOMENT + name, loading));
      }
      optimizer.restore(state.step(), first, second);
    }
    step = state.step();
    tokensSeen = state.tokensSeen();
    trainingSeconds = state.trainingSeconds();
    lossSinceEvaluation = state.lossSinceEvaluation();
    stepsSinceEvaluation = state.stepsSinceEvaluation();
    sampler.restore(state.samplerState());
    evaluations.addAll(state.evaluations());
  }

  private long parameterCount() {
    return parameters.values().stream().mapToLong(NDArray::size).sum();
  }

  @Override
  public void close() {
    manager.close();
  }
}
