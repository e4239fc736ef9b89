package io.longstream.app.topology;

import io.longstream.app.analysis.AnalysisSink;
import io.longstream.app.analysis.DocumentRejectedException;
import io.longstream.app.input.RejectReason;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Collects one document's outputs and checks the {@link io.longstream.app.analysis.DocumentAnalyzer} call
 * order. Buffering (instead of forwarding each window at once) makes a document atomic and keeps the Kafka
 * transaction short: it opens at the first send, after the minutes of compute, not before.
 */
final class BufferingSink implements AnalysisSink {

  private final String docId;
  private final int maxTokens;
  private final List<SpecificRecord> outputs = new ArrayList<>();
  private int tokenCount = -1;
  private int windows;
  private boolean summarised;

  BufferingSink(String docId, int maxTokens) {
    this.docId = docId;
    this.maxTokens = maxTokens;
  }

  @Override
  public void tokenized(int tokenCount) throws DocumentRejectedException {
    check(this.tokenCount < 0, "tokenized() called twice");
    this.tokenCount = tokenCount;
    if (tokenCount > maxTokens) {
      throw new DocumentRejectedException(RejectReason.TOO_MANY_TOKENS, tokenCount + " tokens > limit " + maxTokens);
    }
  }

  @Override
  public void window(WindowEmbedding embedding, WindowMetrics metrics) {
    check(tokenCount >= 0 && !summarised, "window() must come after tokenized() and before summary()");
    check(embedding.getWindowIndex() == windows && metrics.getWindowIndex() == windows,
        "expected window " + windows + ", got " + embedding.getWindowIndex() + "/" + metrics.getWindowIndex());
    check(docId.equals(embedding.getDocId()) && docId.equals(metrics.getDocId()), "window of another document");
    outputs.add(embedding);
    outputs.add(metrics);
    windows++;
  }

  @Override
  public void summary(DocumentSummary summary) {
    check(tokenCount >= 0 && !summarised, "summary() must come once, after tokenized()");
    check(docId.equals(summary.getDocId()), "summary of another document");
    outputs.add(summary);
    summarised = true;
  }

  /** The outputs in call order; fails when the analyzer returned without a summary. */
  List<SpecificRecord> outputs() {
    check(summarised, "analyze() returned without a summary");
    return outputs;
  }

  // Contract violations are engine bugs, not bad input: they fail the task instead of dead-lettering.
  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException("DocumentAnalyzer contract: " + message);
    }
  }
}
