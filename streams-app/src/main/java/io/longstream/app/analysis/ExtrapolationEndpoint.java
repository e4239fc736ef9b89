package io.longstream.app.analysis;

import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/extrapolation}: is the model extrapolating well right now? The running mean nll by
 * in-document token position (per positions mode) and the latest window's diagnostics.
 */
@Endpoint(id = "extrapolation")
public class ExtrapolationEndpoint {

  private final ExtrapolationTracker tracker;

  ExtrapolationEndpoint(ExtrapolationTracker tracker) {
    this.tracker = tracker;
  }

  @ReadOperation
  public Map<String, Object> extrapolation() {
    return tracker.snapshot();
  }
}
