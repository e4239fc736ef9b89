package io.longstream.app.analysis;

import io.longstream.schemas.Document;

/**
 * The compute step of the topology: runs one document through the streaming engine. The model-backed
 * implementation is a Spring bean implementing this interface; the topology picks it up when present (see
 * {@code io.longstream.app.topology.LongstreamTopology}). Until one exists, accepted documents stop at the
 * topology's {@code awaiting-engine} node.
 *
 * <p>Contract, in order: call {@link AnalysisSink#tokenized} once, right after tokenization (the service
 * enforces the token limit there); then {@link AnalysisSink#window} once per window with indices 0, 1, 2...;
 * then {@link AnalysisSink#summary} once. The service publishes the document's records only after {@code
 * analyze} returns, all in the same Kafka transaction, so a document is published entirely or not at all.
 *
 * <p>Throw {@link DocumentRejectedException} for a problem of this document (it goes to the DLQ and the
 * service moves on). Any other exception is treated as an engine failure: the record is not committed and is
 * processed again, so never use it for bad input. Called from one stream thread at a time per instance.
 */
@FunctionalInterface
public interface DocumentAnalyzer {

  /** Analyses {@code document}, reporting its tokens, windows and summary to {@code sink}. */
  void analyze(Document document, AnalysisSink sink) throws DocumentRejectedException;
}
