package io.longstream.model.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-made safetensors bytes, including the broken ones the writer refuses to produce. */
final class TestFiles {

  private TestFiles() {}

  /** A file with {@code header} as JSON (unpadded) and {@code data} after it. */
  static Path raw(Path file, String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return rawWithLength(file, json.length, json, data);
  }

  /** A file whose length field says {@code declaredLength}, whatever follows. */
  static Path rawWithLength(Path file, long declaredLength, byte[] json, byte[] data) {
    ByteBuffer bytes =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.putLong(declaredLength).put(json).put(data);
    try {
      return Files.write(file, bytes.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ByteBuffer f32(float... values) {
    ByteBuffer bytes = little(values.length * 4);
    for (float v : values) {
      bytes.putFloat(v);
    }
    return bytes.flip();
  }

  static ByteBuffer f16(short... halfBits) {
    ByteBuffer bytes = little(halfBits.length * 2);
    for (short h : halfBits) {
      bytes.putShort(h);
    }
    return bytes.flip();
  }

  /** The top 16 bits of each float, which is what a bfloat16 file stores. */
  static ByteBuffer bf16(float... values) {
    ByteBuffer bytes = little(values.length * 2);
    for (float v : values) {
      bytes.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
    }
    return bytes.flip();
  }

  static ByteBuffer i64(long... values) {
    ByteBuffer bytes = little(values.length * 8);
    for (long v : values) {
      bytes.putLong(v);
    }
    return bytes.flip();
  }

  static ByteBuffer i32(int... values) {
    ByteBuffer bytes = little(values.length * 4);
    for (int v : values) {
      bytes.putInt(v);
    }
    return bytes.flip();
  }

  static byte[] zeros(int n) {
    return new byte[n];
  }

  private static ByteBuffer little(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
