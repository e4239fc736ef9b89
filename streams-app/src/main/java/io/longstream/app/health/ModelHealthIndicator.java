package io.longstream.app.health;

import io.longstream.app.analysis.EngineStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Model health through the {@link EngineStatus} hook: UP when loaded, DOWN when not, UNKNOWN while no engine
 * is wired (UNKNOWN does not pull the overall status down).
 */
@Component("model")
class ModelHealthIndicator implements HealthIndicator {

  private final ObjectProvider<EngineStatus> engine;

  ModelHealthIndicator(ObjectProvider<EngineStatus> engine) {
    this.engine = engine;
  }

  @Override
  public Health health() {
    EngineStatus status = engine.getIfAvailable();
    if (status == null) {
      return Health.unknown().withDetail("engine", "not wired").build();
    }
    Health.Builder health = status.loaded() ? Health.up() : Health.down();
    return health.withDetail("device", status.device()).withDetails(status.details()).build();
  }
}
