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
  private final int logitColumns;

  /**
   * Vocabulary entries per slice of the LM head (see {@link
   * io.longstream.model.transformer.DecoderModel#logSumExp}): 4 MB of float32 logits for a 256-token window. A
   * whole chunk's logits (50 MB for T = 256 and SmolLM2's 49,152 entries) lay above glibc's mmap ceiling and
   * were mapped and faulted in afresh every step; row blocks of 16 MB fixed that but still streamed each block
   * through memory twice (head, then log-softmax). Slices that stay in cache between the two were faster
   * (1,024-4,096 entries alike, 8,192 slower; docs/BENCHMARKS.md). One width for every window, since the head
   * is packed per width for oneDNN.
   */
  static final int LOGIT_SLICE_COLUMNS = 4096;

  /** An engine that runs each step whole on the calling thread. */
  public StreamingEngine(LanguageModel languageModel) {
    this(languageModel, 1);
  }

  /**
   * An engine whose documents run through a layer pipeline of {@code stages} threads (see {@link
   * LayerPipeline}): consecutive windows of one document overlap, each stage running a share of the layers.
   */
  public StreamingEngine(LanguageModel languageModel, int stages) {
    this(languageModel, stages, 0);
  }

  /**
   * For tests: an engine whose LM head computes {@code logitColumns} vocabulary entries at a time, or 0 for
   * {@link #LOGIT_SLICE_COLUMNS}.
   */
  StreamingEngine(LanguageModel languageModel, int stages, int logitColumns) {
    if (logitColumns < 0) {
      throw new IllegalArgumentException("vocabulary entries per logit slice must be ≥ 0, got " + logitColumns);
    }
    this.languageModel = languageModel;
    this.pipeline = new LayerPipeline(stages);
    this.logitColumns = logitColumns;
  }

  /** Vocabulary entries per slice of the LM head. */
  int logitColumns() {
    return logitColumns > 0 ? logitColumns : Math.min(languageModel.config().vocabSize(), LOGIT_SLICE_COLUMNS);
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
    return new DocumentStream(languageModel, pipeline, settings, spans, logitColumns());
  }
}
