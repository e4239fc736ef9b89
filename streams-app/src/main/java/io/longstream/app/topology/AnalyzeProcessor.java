package io.longstream.app.topology;

import io.longstream.app.analysis.DocumentAnalyzer;
import io.longstream.app.analysis.DocumentRejectedException;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute step: hands one accepted document to the {@link DocumentAnalyzer} and forwards its windows,
 * metrics and summary once the whole document is done, or one DeadLetter when it was refused (token limit,
 * engine refusal). Any other exception propagates: the record stays uncommitted and is processed again.
 */
final class AnalyzeProcessor implements Processor<String, Document, String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(AnalyzeProcessor.class);

  private final SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
  private final DocumentAnalyzer analyzer;
  private final int maxTokens;
  private final DeadLetters deadLetters;
  private ProcessorContext<String, SpecificRecord> context;

  AnalyzeProcessor(DocumentAnalyzer analyzer, int maxTokens, DeadLetters deadLetters) {
    this.analyzer = analyzer;
    this.maxTokens = maxTokens;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, Document> record) {
    Document document = record.value();
    BufferingSink sink = new BufferingSink(document.getId(), maxTokens);
    try {
      analyzer.analyze(document, sink);
    } catch (DocumentRejectedException e) {
      RecordMetadata source = context.recordMetadata().orElseThrow();
      log.warn("dead-lettered {}-{}@{} (document {}): {} ({})", source.topic(), source.partition(),
          source.offset(), document.getId(), e.reason(), e.getMessage());
      // The raw input value (maybe plain text) is not at hand here: the DLQ keeps the Document, Avro-encoded.
      context.forward(record.withValue(deadLetters.of(e.reason(), e.getMessage(), document.getId(), source,
          record.key(), codec.encode(document))));
      return;
    }
    sink.outputs().forEach(output -> context.forward(record.withValue(output)));
  }
}
