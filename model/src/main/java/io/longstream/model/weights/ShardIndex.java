package io.longstream.model.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code weight_map} of a Hugging Face {@code model.safetensors.index.json}: which shard file
 * holds each tensor. Shard names must be plain file names in the checkpoint directory, so that an
 * index cannot point the reader elsewhere on the disk.
 */
final class ShardIndex {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private ShardIndex() {}

  /** Tensor name to shard path, in index order. */
  static Map<String, Path> read(Path indexFile) {
    try {
      JsonNode weightMap = weightMap(JSON.readTree(Files.readAllBytes(indexFile)));
      Path directory = indexFile.toAbsolutePath().normalize().getParent();
      Map<String, Path> shards = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
        shards.put(entry.getKey(), shardPath(directory, entry.getKey(), entry.getValue()));
      }
      return Collections.unmodifiableMap(shards);
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + indexFile + ": " + e, e);
    } catch (JacksonException e) {
      throw new CheckpointException(indexFile + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(indexFile + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode weightMap(JsonNode root) {
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new IllegalArgumentException("weight_map missing or not an object");
    }
    if (weightMap.isEmpty()) {
      throw new IllegalArgumentException("weight_map lists no tensors");
    }
    return weightMap;
  }

  private static Path shardPath(Path directory, String tensor, JsonNode shard) {
    if (!shard.isString()) {
      throw new IllegalArgumentException("shard of tensor '" + tensor + "' is not a string");
    }
    Path path = directory.resolve(shard.asString()).normalize();
    if (!directory.equals(path.getParent())) {
      throw new IllegalArgumentException(
          String.format(
              "shard '%s' of tensor '%s' is not a file in %s",
              shard.asString(), tensor, directory));
    }
    return path;
  }
}
