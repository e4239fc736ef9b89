package io.longstream.app.input;

import io.longstream.app.input.Classification.Accepted;
import io.longstream.app.input.Classification.Rejected;
import io.longstream.schemas.Document;
import io.longstream.schemas.wire.AvroDecodeException;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * Turns one input record (key, value bytes) into a valid {@link Document} or a {@link Rejected} reason.
 *
 * <p>The two accepted value formats cannot be confused: an Avro single-object value starts with {@code C3 01},
 * which is never valid UTF-8 (0xC3 is a lead byte and 0x01 not a continuation byte). So a value starting with
 * that marker is Avro, anything else must be strict UTF-8 text. The token limit is checked later, after
 * tokenization (see {@code io.longstream.app.analysis.AnalysisSink#tokenized}). Stateless and thread-safe.
 */
public final class DocumentClassifier {

  private final SingleObjectCodec<Document> codec = SingleObjectCodec.of(Document.class);
  private final long maxBytes;

  /** A classifier refusing values over {@code maxBytes}. */
  public DocumentClassifier(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Classifies one record; {@code timestampMs} becomes the timestamp of plain-text documents. */
  public Classification classify(String key, byte[] value, long timestampMs) {
    if (value == null) {
      return new Rejected(RejectReason.EMPTY_TEXT, "null value (tombstone)", null);
    }
    if (value.length > maxBytes) {
      return new Rejected(RejectReason.TOO_MANY_BYTES, value.length + " bytes > limit " + maxBytes, null);
    }
    Classification decoded = hasAvroMarker(value) ? decodeAvro(value) : decodeText(key, value, timestampMs);
    return decoded instanceof Accepted accepted ? checkText(accepted.document()) : decoded;
  }

  private static boolean hasAvroMarker(byte[] value) {
    return value.length >= 2 && value[0] == (byte) 0xC3 && value[1] == (byte) 0x01;
  }

  private Classification decodeAvro(byte[] value) {
    try {
      Document document = codec.decode(value);
      if (document.getId().isBlank()) {
        return new Rejected(RejectReason.MISSING_KEY, "Avro Document with a blank id", null);
      }
      return new Accepted(document);
    } catch (AvroDecodeException e) {
      RejectReason reason = switch (e.kind()) {
        case UNKNOWN_FINGERPRINT -> RejectReason.UNKNOWN_SCHEMA_FINGERPRINT;
        case NOT_SINGLE_OBJECT, CORRUPT -> RejectReason.CORRUPT_AVRO;
      };
      return new Rejected(reason, e.getMessage(), null);
    }
  }

  private static Classification decodeText(String key, byte[] value, long timestampMs) {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(value);
    CharBuffer out = CharBuffer.allocate(value.length);
    CoderResult result = utf8.decode(in, out, true);
    if (result.isError() || utf8.flush(out).isError()) {
      return new Rejected(RejectReason.NOT_AVRO_OR_UTF8, "not Avro and invalid UTF-8 at byte " + in.position(), null);
    }
    if (key == null || key.isBlank()) {
      return new Rejected(RejectReason.MISSING_KEY, "plain-text value without a key (the key is the document id)", null);
    }
    String text = out.flip().toString();
    return new Accepted(new Document(key, text, null, null, Map.of(), Instant.ofEpochMilli(timestampMs)));
  }

  private static Classification checkText(Document document) {
    String text = document.getText();
    if (text.isBlank()) {
      return new Rejected(RejectReason.EMPTY_TEXT, "text is empty or whitespace only", document.getId());
    }
    int bad = firstForbiddenControl(text);
    if (bad >= 0) {
      String detail = String.format("control character U+%04X at char %d", (int) text.charAt(bad), bad);
      return new Rejected(RejectReason.CONTROL_CHARACTERS, detail, document.getId());
    }
    return new Accepted(document);
  }

  /** Index of the first C0/C1 control character other than \n, \r, \t; -1 when none. */
  static int firstForbiddenControl(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.getType(c) == Character.CONTROL && c != '\n' && c != '\r' && c != '\t') {
        return i;
      }
    }
    return -1;
  }
}
