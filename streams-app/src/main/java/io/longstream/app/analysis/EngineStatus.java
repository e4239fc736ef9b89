package io.longstream.app.analysis;

import java.util.Map;

/**
 * Health hook for the engine: a bean implementing it makes {@code /actuator/health} report the model
 * component UP when {@link #loaded()} and DOWN otherwise (with {@link #details()}). Without such a bean the
 * component reports UNKNOWN ("no engine wired").
 */
public interface EngineStatus {

  /** True once the weights and tokenizer are loaded and a forward pass can run. */
  boolean loaded();

  /** Device the model runs on, e.g. cpu or gpu:0. */
  String device();

  /** Further details for health and info (model id, dtype, positional scheme...). */
  default Map<String, Object> details() {
    return Map.of();
  }
}
