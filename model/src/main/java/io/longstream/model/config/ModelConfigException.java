package io.longstream.model.config;

/** A config.json that longstream cannot run; the message names the field. */
public final class ModelConfigException extends IllegalArgumentException {

  public ModelConfigException(String message) {
    super(message);
  }

  public ModelConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
