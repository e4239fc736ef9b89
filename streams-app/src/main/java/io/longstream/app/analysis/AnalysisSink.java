package io.longstream.app.analysis;

import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;

/** Receives the results of one {@link DocumentAnalyzer#analyze} call, in the order given there. */
public interface AnalysisSink {

  /**
   * Reports the document's token count before any window is computed. This is where the service enforces
   * {@code longstream.limits.max-tokens}: the call throws when the document is too long, and the analyzer
   * lets the exception propagate.
   *
   * @throws DocumentRejectedException with reason TOO_MANY_TOKENS when over the limit
   */
  void tokenized(int tokenCount) throws DocumentRejectedException;

  /** One window: its embedding and its metrics, with the same docId and windowIndex (0, 1, 2...). */
  void window(WindowEmbedding embedding, WindowMetrics metrics);

  /** The document summary, after the last window. */
  void summary(DocumentSummary summary);
}
