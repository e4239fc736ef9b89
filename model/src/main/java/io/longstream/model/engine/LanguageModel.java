package io.longstream.model.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import io.longstream.model.positional.ParameterSource;
import io.longstream.model.positional.PositionalEncodings;
import io.longstream.model.tokenizer.TextTokenizer;
import io.longstream.model.transformer.DecoderModel;
import io.longstream.model.transformer.DecoderWeights;
import io.longstream.model.transformer.TorchScriptKernels;
import io.longstream.model.transformer.WeightLoader;
import io.longstream.model.weights.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A checkpoint directory in the Hugging Face layout ({@code config.json}, safetensors weights, optional
 * {@code tokenizer.json}) loaded once: the validated config, the model, and the tokenizer when present.
 * Learned positional tensors (e.g. {@code model.positional.learned.weight}) come from the same checkpoint.
 * Owns the native memory of the weights until {@link #close()}.
 */
public final class LanguageModel implements AutoCloseable {

  static {
    // Nothing is ever downloaded: libtorch comes from the pytorch-native-cpu jar or PYTORCH_LIBRARY_PATH.
    System.setProperty("ai.djl.offline", "true");
  }

  private final Path directory;
  private final NDManager manager;
  private final DecoderModel model;
  private final TextTokenizer tokenizer;

  private LanguageModel(Path directory, NDManager manager, DecoderModel model, TextTokenizer tokenizer) {
    this.directory = directory;
    this.manager = manager;
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Loads {@code directory} with the given options. */
  public static LanguageModel load(Path directory, EngineOptions options) {
    return load(directory, options, UnaryOperator.identity());
  }

  /**
   * Loads {@code directory} with the given options, running the model with {@code override} applied to the
   * parsed config (e.g. another RoPE scaling at inference time; the weights must still fit the config).
   */
  public static LanguageModel load(Path directory, EngineOptions options, UnaryOperator<ModelConfig> override) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("model directory not found: " + directory);
    }
    ModelConfig config = override.apply(ModelConfigParser.parse(directory.resolve("config.json")));
    if (options.threads() > 0) {
      Engine.getEngine("PyTorch");
      JniUtils.setNumThreads(options.threads());
    }
    NDManager manager = NDManager.newBaseManager(options.resolvedDevice(), "PyTorch");
    try (Checkpoint checkpoint = Checkpoint.open(directory)) {
      DecoderWeights weights =
          WeightLoader.load(checkpoint, config, manager, options.resolvedDataType(), options.resolvedDevice());
      DecoderModel model = new DecoderModel(
          config,
          weights,
          PositionalEncodings.create(
              config,
              options.resolvedDataType(),
              ParameterSource.checkpoint(checkpoint, manager, options.resolvedDataType(), options.resolvedDevice())),
          options.resolvedDataType(),
          options.resolvedDevice(),
          TorchScriptKernels.load(manager));
      Path tokenizerFile = directory.resolve("tokenizer.json");
      TextTokenizer tokenizer = Files.isRegularFile(tokenizerFile) ? TextTokenizer.load(tokenizerFile) : null;
      checkVocabulary(tokenizer, config, directory);
      return new LanguageModel(directory, manager, model, tokenizer);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A tokenizer producing ids the embedding has no row for would fail every document at its first such
   * token (an index error inside libtorch, minutes into a stream): refuse the pair at load time instead.
   */
  static void checkVocabulary(TextTokenizer tokenizer, ModelConfig config, Path directory) {
    if (tokenizer != null && tokenizer.maxTokenId() >= config.vocabSize()) {
      tokenizer.close();
      throw new IllegalArgumentException(String.format(
          "tokenizer.json in %s does not match the model: it produces token ids up to %d, but config.json has"
              + " vocab_size %d", directory, tokenizer.maxTokenId(), config.vocabSize()));
    }
  }

  public Path directory() {
    return directory;
  }

  public ModelConfig config() {
    return model.config();
  }

  public DecoderModel model() {
    return model;
  }

  /** Manager owning the weights; create per-document sub-managers from it. */
  public NDManager manager() {
    return manager;
  }

  /** The tokenizer, or an error naming the missing file. */
  public TextTokenizer tokenizer() {
    if (tokenizer == null) {
      throw new IllegalStateException("no tokenizer.json in " + directory);
    }
    return tokenizer;
  }

  @Override
  public void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
    manager.close();
  }
}
