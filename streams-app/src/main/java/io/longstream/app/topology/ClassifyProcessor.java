package io.longstream.app.topology;

import io.longstream.app.input.Classification;
import io.longstream.app.input.Classification.Accepted;
import io.longstream.app.input.Classification.Rejected;
import io.longstream.app.input.DocumentClassifier;
import io.longstream.schemas.Document;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes and validates input records. Forwards a {@link Document} keyed by its id, or a DeadLetter keyed by
 * the original key. A processor (not mapValues) because dead letters need the record's topic, partition and
 * offset, which only the processor context knows.
 */
final class ClassifyProcessor implements Processor<String, byte[], String, SpecificRecord> {

  private static final Logger log = LoggerFactory.getLogger(ClassifyProcessor.class);

  private final DocumentClassifier classifier;
  private final DeadLetters deadLetters;
  private ProcessorContext<String, SpecificRecord> context;

  ClassifyProcessor(DocumentClassifier classifier, DeadLetters deadLetters) {
    this.classifier = classifier;
    this.deadLetters = deadLetters;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Classification result = classifier.classify(record.key(), record.value(), record.timestamp());
    if (result instanceof Accepted accepted) {
      Document document = accepted.document();
      context.forward(record.withKey(document.getId()).withValue(document));
    } else if (result instanceof Rejected rejected) {
      RecordMetadata source = context.recordMetadata().orElseThrow();
      // Reason and coordinates only: never the text.
      log.warn("dead-lettered {}-{}@{}: {} ({})", source.topic(), source.partition(), source.offset(),
          rejected.reason(), rejected.message());
      context.forward(record.withValue(deadLetters.of(rejected.reason(), rejected.message(),
          rejected.documentId(), source, record.key(), record.value())));
    }
  }
}
