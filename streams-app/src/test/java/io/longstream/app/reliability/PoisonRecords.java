package io.longstream.app.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.longstream.schemas.Document;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * A seeded generator of malformed input records, each with the DeadLetter reason it must get. Expectations
 * come from how each record is built (and, for bit flips, from Avro's own decoder as an independent oracle:
 * a flip that still decodes to a whole Document is not poison and is drawn again), not from the service's
 * classifier.
 */
final class PoisonRecords {

  /** What is wrong with a record. */
  enum Kind {
    RANDOM_BYTES("NOT_AVRO_OR_UTF8"),
    TRUNCATED_AVRO("CORRUPT_AVRO"),
    BIT_FLIPPED_AVRO("CORRUPT_AVRO"),
    LYING_LENGTH_AVRO("CORRUPT_AVRO"),
    WRONG_FINGERPRINT("UNKNOWN_SCHEMA_FINGERPRINT"),
    INVALID_UTF8("NOT_AVRO_OR_UTF8"),
    CONTROL_CHARACTERS_TEXT("CONTROL_CHARACTERS"),
    CONTROL_CHARACTERS_AVRO("CONTROL_CHARACTERS"),
    EMPTY_VALUE("EMPTY_TEXT"),
    BLANK_TEXT("EMPTY_TEXT"),
    NULL_VALUE("EMPTY_TEXT"),
    HUGE_VALUE("TOO_MANY_BYTES"),
    NULL_KEY("MISSING_KEY"),
    BLANK_AVRO_ID("MISSING_KEY"),
    TOO_MANY_TOKENS("TOO_MANY_TOKENS");

    final String reason;

    Kind(String reason) {
      this.reason = reason;
    }
  }

  /** One malformed record: key (may be null), value (may be null), and the reason it must be refused with. */
  record Poison(Kind kind, String key, byte[] value) {
    String expectedReason() {
      return kind.reason;
    }
  }

  private static final SingleObjectCodec<Document> CODEC = SingleObjectCodec.of(Document.class);
  private static final byte[][] INVALID_UTF8 = {
    {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xFE}, {(byte) 0xFF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
  private static final char[] CONTROLS = {'\u0000', '\u0001', '\u0007', '\u0008', '\u000B', '\u000C', '\u001B',
    '\u001F', '\u007F', '\u0085', '\u009F'};

  private final Random random;
  private final String text;
  private final int maxBytes;
  private final int maxTokens;

  /**
   * @param seed random seed
   * @param text English text to corrupt (a few hundred characters or more)
   * @param maxBytes the service's longstream.limits.max-document-bytes
   * @param maxTokens the service's longstream.limits.max-tokens
   */
  PoisonRecords(long seed, String text, int maxBytes, int maxTokens) {
    this.random = new Random(seed);
    this.text = text;
    this.maxBytes = maxBytes;
    this.maxTokens = maxTokens;
  }

  private int drawn;

  /** A record keyed {@code poison-i} (unless its kind is a null key); kinds in turn, so 15 in a row hold each. */
  Poison next(int i) {
    Kind kind = Kind.values()[drawn++ % Kind.values().length];
    String key = "poison-" + i;
    return switch (kind) {
      case RANDOM_BYTES -> new Poison(kind, key, randomBytes());
      case TRUNCATED_AVRO -> {
        byte[] avro = avro(key, snippet());
        yield new Poison(kind, key, Arrays.copyOf(avro, 2 + random.nextInt(avro.length - 2)));
      }
      case BIT_FLIPPED_AVRO -> new Poison(kind, key, bitFlipped(avro(key, snippet())));
      case LYING_LENGTH_AVRO -> new Poison(kind, key, lyingLength(key));
      case WRONG_FINGERPRINT -> {
        byte[] avro = avro(key, snippet());
        avro[2 + random.nextInt(8)] ^= (byte) (1 << random.nextInt(8));
        yield new Poison(kind, key, avro);
      }
      case INVALID_UTF8 -> new Poison(kind, key, invalidUtf8());
      case CONTROL_CHARACTERS_TEXT -> new Poison(kind, key, withControl(snippet()).getBytes(UTF_8));
      case CONTROL_CHARACTERS_AVRO -> new Poison(kind, key, avro(key, withControl(snippet())));
      case EMPTY_VALUE -> new Poison(kind, key, new byte[0]);
      case BLANK_TEXT -> new Poison(kind, key, " \n\t\r ".repeat(1 + random.nextInt(50)).getBytes(UTF_8));
      case NULL_VALUE -> new Poison(kind, key, null);
      case HUGE_VALUE -> new Poison(kind, key, repeatTo(maxBytes + 1 + random.nextInt(4096)));
      case NULL_KEY -> new Poison(kind, null, snippet().getBytes(UTF_8));
      case BLANK_AVRO_ID -> new Poison(kind, key, avro(" ", snippet()));
      case TOO_MANY_TOKENS -> new Poison(kind, key, repeatTo(maxTokens + 1 + random.nextInt(2048)));
    };
  }

  private String snippet() {
    int start = random.nextInt(Math.max(1, text.length() - 200));
    return text.substring(start, Math.min(text.length(), start + 40 + random.nextInt(400))).strip() + ".";
  }

  private static byte[] avro(String id, String text) {
    return CODEC.encode(new Document(id, text, null, null, Map.of(), Instant.ofEpochMilli(1_700_000_000_000L)));
  }

  /** Random bytes that can be neither Avro (no C3 01 start) nor UTF-8 (an 0xFF byte somewhere). */
  private byte[] randomBytes() {
    byte[] bytes = new byte[1 + random.nextInt(2_000)];
    random.nextBytes(bytes);
    bytes[random.nextInt(bytes.length)] = (byte) 0xFF;
    if (bytes[0] == (byte) 0xC3) {
      bytes[0] = (byte) 0xFF;
    }
    return bytes;
  }

  /** One bit of the body flipped, drawn again until Avro itself cannot decode it into exactly one Document. */
  private byte[] bitFlipped(byte[] avro) {
    for (int attempt = 0; ; attempt++) {
      byte[] flipped = avro.clone();
      int at = SingleObjectCodec.HEADER_LENGTH + random.nextInt(avro.length - SingleObjectCodec.HEADER_LENGTH);
      flipped[at] ^= (byte) (1 << random.nextInt(8));
      if (!decodesCompletely(flipped) || attempt > 1_000) {
        return flipped;
      }
    }
  }

  private static boolean decodesCompletely(byte[] value) {
    int body = SingleObjectCodec.HEADER_LENGTH;
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, body, value.length - body, null);
    try {
      new GenericDatumReader<>(CODEC.schema()).read(null, in);
      return in.isEnd();
    } catch (Exception | OutOfMemoryError e) {
      return false;
    }
  }

  /** A Document whose text claims up to 2^31 bytes (or a negative length) while a few follow. */
  private byte[] lyingLength(String id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] header = avro(id, "x");
    out.write(header, 0, SingleObjectCodec.HEADER_LENGTH);
    byte[] idBytes = id.getBytes(UTF_8);
    zigzag(out, idBytes.length);
    out.writeBytes(idBytes);
    long[] lies = {Integer.MAX_VALUE - 8L, Integer.MAX_VALUE, 1L << 40, -5, 64L * 1024 * 1024};
    zigzag(out, lies[random.nextInt(lies.length)]);
    out.writeBytes(snippet().getBytes(UTF_8));
    return out.toByteArray();
  }

  private static void zigzag(ByteArrayOutputStream out, long n) {
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
  }

  private byte[] invalidUtf8() {
    byte[] good = snippet().getBytes(UTF_8);
    byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
    int at = random.nextInt(good.length + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(good, 0, at);
    out.writeBytes(bad);
    out.write(good, at, good.length - at);
    return out.toByteArray();
  }

  private String withControl(String s) {
    int at = random.nextInt(s.length() + 1);
    return s.substring(0, at) + CONTROLS[random.nextInt(CONTROLS.length)] + s.substring(at);
  }

  /** English text repeated to exactly {@code bytes} bytes (ASCII, so one token per byte or so). */
  private byte[] repeatTo(int bytes) {
    byte[] source = text.replaceAll("[^\\x20-\\x7E\\n]", " ").getBytes(UTF_8);
    byte[] out = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      out[i] = source[i % source.length];
    }
    return out;
  }
}
