package io.longstream.app.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.longstream.model.engine.BundledModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Copies of the bundled model with one thing wrong each, and the words the service's refusal must contain. */
final class CorruptModels {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String WEIGHTS = "model.safetensors";

  /** One corruption: how it is made and a fragment of the expected error line. */
  enum Corruption {
    TRUNCATED_SAFETENSORS("is past the data section", dir -> truncate(dir.resolve(WEIGHTS))),
    LYING_OFFSETS("data_offsets [", dir -> editHeader(dir, header -> {
      ArrayNode offsets = (ArrayNode) firstTensor(header).get("data_offsets");
      offsets.set(1, offsets.get(1).asLong() + 4096);
      return header;
    })),
    LYING_SHAPE("' has shape (", dir -> editHeader(dir, header -> {
      ArrayNode shape = (ArrayNode) header.get("model.embed_tokens.weight").get("shape");
      long rows = shape.get(0).asLong();
      shape.set(0, shape.get(1).asLong()); // same element count, transposed: only the shape lies
      shape.set(1, rows);
      return header;
    })),
    IMPOSSIBLE_CONFIG("field 'hidden_size' must be a positive integer, got -256",
        dir -> editJson(dir.resolve("config.json"), config -> {
          ((ObjectNode) config).put("hidden_size", -256);
          return config;
        })),
    TOKENIZER_BEYOND_VOCAB("does not match the model: it produces token ids up to",
        dir -> editJson(dir.resolve("tokenizer.json"), tokenizer -> {
          for (JsonNode added : tokenizer.get("added_tokens")) {
            ((ObjectNode) added).put("id", added.get("id").asInt() + 1000);
          }
          shiftSpecialTokens(tokenizer, 1000);
          return tokenizer;
        }));

    final String expected;
    private final Editor editor;

    Corruption(String expected, Editor editor) {
      this.expected = expected;
      this.editor = editor;
    }

    /** A corrupt copy of the bundled model under {@code root}. */
    Path create(Path root) {
      Path dir = root.resolve("model-" + ordinal()); // a neutral name: the error line must say what is wrong
      try {
        Files.createDirectories(dir);
        Path source = BundledModels.directory(BundledModels.DEFAULT);
        try (Stream<Path> files = Files.list(source)) {
          for (Path file : files.toList()) {
            Files.copy(file, dir.resolve(file.getFileName()));
          }
        }
        editor.edit(dir);
        return dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private interface Editor {
    void edit(Path dir) throws IOException;
  }

  private CorruptModels() {}

  private static void truncate(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 3));
  }

  private static void editJson(Path file, UnaryOperator<JsonNode> edit) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(edit.apply(JSON.readTree(file.toFile()))));
  }

  /** Rewrites the safetensors JSON header (offsets are relative to the data, so its length may change). */
  private static void editHeader(Path dir, UnaryOperator<ObjectNode> edit) throws IOException {
    Path file = dir.resolve(WEIGHTS);
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, (int) headerLength, UTF_8));
    byte[] newHeader = JSON.writeValueAsString(edit.apply(header)).getBytes(UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + bytes.length - 8 - (int) headerLength)
        .order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(newHeader.length).put(newHeader).put(bytes, 8 + (int) headerLength, bytes.length - 8 - (int) headerLength);
    Files.write(file, out.array());
  }

  private static ObjectNode firstTensor(ObjectNode header) {
    for (String name : header.propertyNames()) {
      if (!name.equals("__metadata__")) {
        return (ObjectNode) header.get(name);
      }
    }
    throw new IllegalStateException("no tensor in the header");
  }

  /** Moves the post-processor's special-token ids along with the added tokens, so the file stays valid. */
  static void shiftSpecialTokens(JsonNode tokenizer, int by) {
    for (JsonNode special : tokenizer.path("post_processor").path("special_tokens").values()) {
      ArrayNode ids = (ArrayNode) special.get("ids");
      for (int i = 0; i < ids.size(); i++) {
        ids.set(i, ids.get(i).asInt() + by);
      }
    }
  }
}
