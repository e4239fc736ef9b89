package io.longstream.model.streaming;

import io.longstream.model.engine.LanguageModel;
import java.util.List;

/**
 * Streams documents of any length through one loaded model. Thread-safe: the weights are shared
 * read-only, and each {@link DocumentStream} owns its cache, so many documents can stream at once on
 * different threads.
 */
public final class StreamingEngine {

  private final LanguageModel languageModel;
  private final LayerPipeline pipeline;

  /** An engine that runs each step whole on the calling thread. */
  public StreamingEngine(LanguageModel languageModel) {
    this(languageModel, 1);
  }

  /**
   * An engine whose documents run through a layer pipeline of {@code stages} threads (see {@link
   * LayerPipeline}): consecutive windows of one document overlap, each stage running a share of the layers.
   */
  public StreamingEngine(LanguageModel languageModel, int stages) {
    this.languageModel = languageModel;
    this.pipeline = new LayerPipeline(stages);
  }

  /** Threads one document's windows are spread over (1 = none besides the caller's). */
  public int stages() {
    return pipeline.stages();
  }

  public LanguageModel languageModel() {
    return languageModel;
  }

  /** Opens a stream for one document. */
  public DocumentStream open(StreamingSettings settings) {
    return open(settings, List.of());
  }

  /** Opens a stream that also pools the given token spans (e.g. sentences), in any order. */
  public DocumentStream open(StreamingSettings settings, List<TokenSpan> spans) {
    return new DocumentStream(languageModel, pipeline, settings, spans);
  }
}
