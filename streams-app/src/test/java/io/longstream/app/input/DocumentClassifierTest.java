package io.longstream.app.input;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.app.input.Classification.Accepted;
import io.longstream.app.input.Classification.Rejected;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DocumentClassifierTest {

  private static final SingleObjectCodec<Document> CODEC = SingleObjectCodec.of(Document.class);
  private final DocumentClassifier classifier = new DocumentClassifier(1_000);

  static byte[] avro(String id, String text) {
    return CODEC.encode(new Document(id, text, "title", null, Map.of(), Instant.ofEpochMilli(5)));
  }

  @Test
  void shouldAcceptPlainUtf8TextKeyedByDocumentId() {
    Classification result = classifier.classify("war-and-peace", "Well, Prince,\n\tso Genoa é...\r\n".getBytes(UTF_8), 42);

    assertThat(result).isInstanceOfSatisfying(Accepted.class, accepted -> {
      assertThat(accepted.document().getId()).isEqualTo("war-and-peace");
      assertThat(accepted.document().getText()).isEqualTo("Well, Prince,\n\tso Genoa é...\r\n");
      assertThat(accepted.document().getTimestamp()).isEqualTo(Instant.ofEpochMilli(42));
    });
  }

  @Test
  void shouldAcceptAnAvroDocumentWhateverTheKey() {
    Classification result = classifier.classify(null, avro("doc-7", "Call me Ishmael."), 0);

    assertThat(result).isInstanceOfSatisfying(Accepted.class, accepted -> {
      assertThat(accepted.document().getId()).isEqualTo("doc-7");
      assertThat(accepted.document().getTitle()).isEqualTo("title");
    });
  }

  @Test
  void shouldRejectBytesThatAreNeitherAvroNorUtf8() {
    assertRejected(classifier.classify("k", new byte[] {'a', 'b', (byte) 0xFF, 'c'}, 0), RejectReason.NOT_AVRO_OR_UTF8)
        .satisfies(r -> assertThat(r.message()).contains("byte 2"));
    // Overlong encoding of '/', and a lone continuation byte: strict decoding refuses both.
    assertRejected(classifier.classify("k", new byte[] {(byte) 0xC0, (byte) 0xAF}, 0), RejectReason.NOT_AVRO_OR_UTF8);
    assertRejected(classifier.classify("k", new byte[] {(byte) 0x80}, 0), RejectReason.NOT_AVRO_OR_UTF8);
  }

  @Test
  void shouldRejectAvroWithAnUnknownFingerprint() {
    byte[] value = avro("d", "text");
    value[9] ^= 0x01;

    assertRejected(classifier.classify("d", value, 0), RejectReason.UNKNOWN_SCHEMA_FINGERPRINT);
  }

  @Test
  void shouldRejectTruncatedOrCorruptAvro() {
    byte[] value = avro("d", "some text");

    assertRejected(classifier.classify("d", Arrays.copyOf(value, value.length - 4), 0), RejectReason.CORRUPT_AVRO);
    assertRejected(classifier.classify("d", Arrays.copyOf(value, 5), 0), RejectReason.CORRUPT_AVRO);
    assertRejected(classifier.classify("d", Arrays.copyOf(value, value.length + 1), 0), RejectReason.CORRUPT_AVRO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", " \n\t\r "})
  void shouldRejectEmptyOrWhitespaceOnlyText(String text) {
    assertRejected(classifier.classify("k", text.getBytes(UTF_8), 0), RejectReason.EMPTY_TEXT);
    assertRejected(classifier.classify("k", avro("k", text), 0), RejectReason.EMPTY_TEXT);
  }

  @Test
  void shouldRejectATombstone() {
    assertRejected(classifier.classify("k", null, 0), RejectReason.EMPTY_TEXT);
  }

  @Test
  void shouldRejectPlainTextWithoutKey() {
    assertRejected(classifier.classify(null, "text".getBytes(UTF_8), 0), RejectReason.MISSING_KEY);
    assertRejected(classifier.classify(" ", "text".getBytes(UTF_8), 0), RejectReason.MISSING_KEY);
    assertRejected(classifier.classify("k", avro(" ", "text"), 0), RejectReason.MISSING_KEY);
  }

  @Test
  void shouldRejectValuesOverTheByteLimit() {
    byte[] atLimit = "x".repeat(1_000).getBytes(UTF_8);
    byte[] overLimit = "x".repeat(1_001).getBytes(UTF_8);

    assertThat(classifier.classify("k", atLimit, 0)).isInstanceOf(Accepted.class);
    assertRejected(classifier.classify("k", overLimit, 0), RejectReason.TOO_MANY_BYTES)
        .satisfies(r -> assertThat(r.message()).isEqualTo("1001 bytes > limit 1000"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nul\u0000byte", "bell\u0007", "escape\u001B[31m", "delete\u007F", "c1 next line\u0085"})
  void shouldRejectControlCharacters(String text) {
    assertRejected(classifier.classify("k", text.getBytes(UTF_8), 0), RejectReason.CONTROL_CHARACTERS)
        .satisfies(r -> assertThat(r.message()).startsWith("control character U+00").doesNotContain(text));
    assertRejected(classifier.classify("k", avro("k", text), 0), RejectReason.CONTROL_CHARACTERS)
        .satisfies(r -> assertThat(r.documentId()).isEqualTo("k"));
  }

  @Test
  void shouldTreatTheAvroMarkerAsAvroEvenWhenTooShort() {
    // C3 01 is never valid UTF-8, so such a value can only be broken Avro.
    assertRejected(classifier.classify("k", new byte[] {(byte) 0xC3, 0x01, 0x00}, 0), RejectReason.CORRUPT_AVRO);
  }

  private static org.assertj.core.api.ObjectAssert<Rejected> assertRejected(Classification result, RejectReason reason) {
    assertThat(result).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.reason()).isEqualTo(reason);
    return assertThat(rejected);
  }
}
