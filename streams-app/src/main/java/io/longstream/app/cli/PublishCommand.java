package io.longstream.app.cli;

import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code longstream publish FILE...}: one document per file, keyed by the file name. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = "Publish documents to the input topic: one per FILE, id = file name ('-' reads stdin).")
final class PublishCommand implements Callable<Integer> {

  private static final int MAX_REQUEST_BYTES = 64 * 1024 * 1024;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "text files (UTF-8); '-' for stdin")
  private List<String> files;

  @Option(names = "--topic", paramLabel = "T", defaultValue = "documents", description = "input topic (default: ${DEFAULT-VALUE})")
  private String topic;

  @Option(names = "--plain", description = "send the raw bytes as a plain-text value instead of an Avro Document")
  private boolean plain;

  @Option(names = "--id", paramLabel = "ID", defaultValue = "stdin", description = "document id for '-' (default: ${DEFAULT-VALUE})")
  private String stdinId;

  @Mixin private KafkaOptions kafka;

  @Spec private CommandSpec spec;

  private final SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);

  @Override
  public Integer call() throws Exception {
    List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
    for (String file : files) {
      records.add(record(file)); // read everything first: a bad file publishes nothing
    }
    try (KafkaProducer<String, byte[]> producer = producer()) {
      for (ProducerRecord<String, byte[]> record : records) {
        RecordMetadata sent = producer.send(record).get();
        spec.commandLine().getOut().printf("%s -> %s-%d@%d%n", record.key(), sent.topic(), sent.partition(), sent.offset());
      }
    }
    return 0;
  }

  private ProducerRecord<String, byte[]> record(String file) throws IOException {
    boolean stdin = "-".equals(file);
    if (!stdin && !Files.isReadable(Path.of(file))) {
      throw new ParameterException(spec.commandLine(), "cannot read " + file);
    }
    String id = stdin ? stdinId : Path.of(file).getFileName().toString();
    byte[] bytes = stdin ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
    byte[] value = plain ? bytes : codec.encode(document(id, file, bytes));
    return new ProducerRecord<>(topic, id, value);
  }

  private static Document document(String id, String file, byte[] bytes) throws IOException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not valid UTF-8 (use --plain to publish the raw bytes)", e);
    }
    return new Document(id, text, null, "-".equals(file) ? "stdin" : file, Map.of(), Instant.now());
  }

  private KafkaProducer<String, byte[]> producer() {
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES,
        // Fail in seconds, with a message, when no broker answers.
        ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }
}
