package io.longstream.app.analysis;

import java.nio.file.Path;

/**
 * The configured model could not be loaded (missing or corrupt files, an impossible config.json, a tokenizer
 * that does not fit the vocabulary). The service does not start; the message names the directory and the
 * first thing wrong with it. An IllegalArgumentException: the command line reports it as bad input.
 */
public final class ModelLoadException extends IllegalArgumentException {

  private final Path directory;

  ModelLoadException(Path directory, Throwable cause) {
    super("cannot load the model in " + directory + ": " + reason(cause), cause);
    this.directory = directory;
  }

  /** The model directory that failed. */
  public Path directory() {
    return directory;
  }

  private static String reason(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
