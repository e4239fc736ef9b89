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

  public StreamingEngine(LanguageModel languageModel) {
    this.languageModel = languageModel;
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
    return new DocumentStream(languageModel, settings, spans);
  }
}
