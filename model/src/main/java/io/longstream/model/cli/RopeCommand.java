package io.longstream.model.cli;

import io.longstream.model.config.ModelConfig;
import io.longstream.model.config.ModelConfigParser;
import io.longstream.model.positional.rope.RopeFrequencies;
import io.longstream.model.positional.rope.RopeScalings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code longstream rope}: the inverse frequencies and attention factor a config's RoPE scaling yields. */
@Command(name = "rope", mixinStandardHelpOptions = true, description = "Print a config's RoPE inverse frequencies and attention factor as JSON.")
public final class RopeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true, description = "config.json, or a model directory")
  Path config;

  @Option(names = "--seq-len", description = "sequence length for dynamic/longrope scaling (default: max_position_embeddings)")
  Long seqLen;

  @Override
  public Integer call() {
    Path file = Files.isDirectory(config) ? config.resolve("config.json") : config;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config not found: " + file);
    }
    ModelConfig model = ModelConfigParser.parse(file);
    if (seqLen != null && seqLen < 1) {
      throw new IllegalArgumentException("--seq-len must be ≥ 1, got " + seqLen);
    }
    long length = seqLen != null ? seqLen : model.maxPositionEmbeddings();
    RopeFrequencies f =
        RopeScalings.create(model.rope(), model.rotaryDim(), model.maxPositionEmbeddings()).frequencies(length);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rope_type", model.rope().type());
    out.put("inv_freq", f.inverseFrequencies());
    out.put("attention_factor", f.attentionFactor());
    spec.commandLine().getOut().println(Json.MAPPER.writeValueAsString(out));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
