package io.longstream.app.analysis;

import io.longstream.app.input.RejectReason;
import io.longstream.model.streaming.DocumentStream;
import io.longstream.model.streaming.PooledSpan;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.longstream.model.streaming.TokenSpan;
import io.longstream.model.streaming.WindowDiagnostics;
import io.longstream.model.streaming.WindowResult;
import io.longstream.model.tokenizer.TokenizedText;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.SummarySentence;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model-backed compute step: tokenizes a document, streams it through the attention-sink engine, and
 * reports one WindowEmbedding and one WindowMetrics per window and a DocumentSummary (document embedding =
 * normalised mean of window embeddings; extractive summary = MMR over sentence embeddings pooled from the
 * same forward pass, i.e. late chunking).
 */
final class ModelDocumentAnalyzer implements DocumentAnalyzer {

  private final StreamingEngine engine;
  private final StreamingSettings settings;
  private final String modelId;
  private final int summarySentences;
  private final double mmrLambda;
  private final List<AnalysisListener> listeners;

  ModelDocumentAnalyzer(
      StreamingEngine engine,
      StreamingSettings settings,
      String modelId,
      int summarySentences,
      double mmrLambda,
      List<AnalysisListener> listeners) {
    this.engine = engine;
    this.settings = settings;
    this.modelId = modelId;
    this.summarySentences = summarySentences;
    this.mmrLambda = mmrLambda;
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public void analyze(Document document, AnalysisSink sink) throws DocumentRejectedException {
    String text = document.getText();
    TokenizedText tokens = engine.languageModel().tokenizer().encode(text, true);
    if (tokens.size() == 0) {
      throw new DocumentRejectedException(RejectReason.ANALYSIS_FAILED, "the text produced no tokens");
    }
    sink.tokenized(tokens.size());
    List<Sentences.Sentence> sentences = Sentences.split(text);
    Map<TokenSpan, Integer> sentenceOfSpan = new HashMap<>();
    List<TokenSpan> spans = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      TokenSpan span = tokenSpan(tokens, sentences.get(i));
      if (span != null && sentenceOfSpan.putIfAbsent(span, i) == null) {
        spans.add(span);
      }
    }
    String docId = document.getId();
    List<float[]> windowEmbeddings = new ArrayList<>();
    List<ExtractiveSummary.Candidate> candidates = new ArrayList<>();
    double nllSum = 0;
    long nllCount = 0;
    try (DocumentStream stream = engine.open(settings, spans)) {
      List<WindowResult> windows = new ArrayList<>(stream.feed(tokens.ids()));
      windows.addAll(stream.finish());
      for (WindowResult w : windows) {
        sink.window(windowEmbedding(docId, w, tokens), windowMetrics(docId, w));
        listeners.forEach(l -> l.onWindow(w, settings.mode()));
        windowEmbeddings.add(w.embedding());
        for (float x : w.nll()) {
          nllSum += x;
        }
        nllCount += w.nll().length;
        for (PooledSpan pooled : w.spans()) {
          candidates.add(new ExtractiveSummary.Candidate(sentenceOfSpan.get(pooled.span()), pooled.embedding()));
        }
      }
    } catch (IllegalArgumentException e) {
      throw new DocumentRejectedException(RejectReason.ANALYSIS_FAILED, e.getMessage());
    }
    float[] documentEmbedding = normalisedMean(windowEmbeddings);
    List<SummarySentence> summary = new ArrayList<>();
    for (ExtractiveSummary.Choice c : ExtractiveSummary.choose(candidates, documentEmbedding, summarySentences, mmrLambda)) {
      Sentences.Sentence s = sentences.get(c.index());
      summary.add(new SummarySentence(text.substring(s.start(), s.end()), s.start(), s.end(), c.score()));
    }
    double meanNll = nllCount == 0 ? Double.NaN : nllSum / nllCount;
    sink.summary(new DocumentSummary(
        docId, floats(documentEmbedding), summary, tokens.size(), windowEmbeddings.size(), Math.exp(meanNll), modelId));
    listeners.forEach(l -> l.onDocument(tokens.size()));
  }

  /** Tokens whose characters overlap the sentence, or null when none does (e.g. text only in special tokens). */
  private static TokenSpan tokenSpan(TokenizedText tokens, Sentences.Sentence sentence) {
    int first = -1;
    int last = -1;
    for (int i = 0; i < tokens.size(); i++) {
      boolean overlaps = tokens.charEnds()[i] > sentence.start() && tokens.charStarts()[i] < sentence.end();
      if (overlaps) {
        if (first < 0) {
          first = i;
        }
        last = i;
      } else if (first >= 0) {
        break;
      }
    }
    return first < 0 ? null : new TokenSpan(first, last + 1);
  }

  private WindowEmbedding windowEmbedding(String docId, WindowResult w, TokenizedText tokens) {
    int start = (int) w.tokenStart();
    int end = (int) w.tokenEnd();
    return new WindowEmbedding(
        docId,
        (int) w.index(),
        start,
        end,
        tokens.charStarts()[start],
        Math.max(tokens.charStarts()[start], tokens.charEnds()[end - 1]),
        settings.mode().label(),
        floats(w.embedding()),
        modelId);
  }

  private WindowMetrics windowMetrics(String docId, WindowResult w) {
    WindowDiagnostics d = w.diagnostics();
    return new WindowMetrics(
        docId,
        (int) w.index(),
        settings.mode().label(),
        d.meanNll(),
        d.perplexity(),
        d.sampled() ? d.sinkMass() : null,
        d.sampled() ? doubles(d.sinkMassPerLayer()) : null,
        d.sampled() ? d.entropy() : null,
        d.sampled() ? doubles(d.entropyPerLayer()) : null,
        d.maxPosition(),
        (int) d.trainedContext(),
        d.dimsPastTrainedAngles(),
        d.effectiveRopeScale(),
        d.cacheSinks(),
        d.cacheRecent(),
        d.cacheBytes(),
        d.latencyMillis(),
        d.tokensPerSecond());
  }

  private static float[] normalisedMean(List<float[]> vectors) {
    float[] mean = new float[vectors.get(0).length];
    for (float[] v : vectors) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += v[i] / vectors.size();
      }
    }
    double norm = Math.sqrt(ExtractiveSummary.dot(mean, mean));
    for (int i = 0; i < mean.length; i++) {
      mean[i] = norm == 0 ? 0 : (float) (mean[i] / norm);
    }
    return mean;
  }

  private static List<Float> floats(float[] values) {
    List<Float> out = new ArrayList<>(values.length);
    for (float v : values) {
      out.add(v);
    }
    return out;
  }

  private static List<Double> doubles(double[] values) {
    return Arrays.stream(values).boxed().toList();
  }
}
