package io.longstream.model.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Models that ship inside the {@code longstream-model} jar under {@code /models/NAME/}, such as the default
 * {@value #DEFAULT} (see its {@code TRAINING.md}). {@link LanguageModel#load} needs a directory it can map,
 * so a model read from a jar is copied once into a temporary directory.
 */
public final class BundledModels {

  /** The default model: a byte-level RoPE Llama trained at context 256 on Europarl. */
  public static final String DEFAULT = "longstream-tiny-256";

  private static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json", "TRAINING.md");

  private BundledModels() {}

  /**
   * A directory holding the bundled model {@code name}.
   *
   * @throws IllegalArgumentException if no such model is on the class path
   */
  public static Path directory(String name) {
    URL config = BundledModels.class.getResource("/models/" + name + "/config.json");
    if (config == null) {
      throw new IllegalArgumentException("no bundled model '" + name + "' on the class path (known: " + DEFAULT + ")");
    }
    if ("file".equals(config.getProtocol())) {
      try {
        return Path.of(config.toURI()).getParent();
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return extract(name);
  }

  private static Path extract(String name) {
    try {
      Path dir = Files.createTempDirectory("longstream-" + name + "-");
      for (String file : FILES) {
        try (InputStream in = BundledModels.class.getResourceAsStream("/models/" + name + "/" + file)) {
          if (in != null) {
            Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
          }
        }
        dir.resolve(file).toFile().deleteOnExit();
      }
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract bundled model " + name + ": " + e.getMessage(), e);
    }
  }
}
