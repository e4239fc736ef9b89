package io.longstream.app.health;

import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * When the Kafka Streams client entered its current state. Health reports it because REBALANCING counts as UP
 * (a rebalance may legitimately wait for another instance's document to finish), so how long it has lasted is
 * what tells a slow rebalance from a stuck one.
 */
@Component
public class StreamsStateClock {

  private volatile Instant since = Instant.now();

  /** Call from the client's state listener. */
  public void transitioned() {
    since = Instant.now();
  }

  /** The instant of the last transition (creation time before the first). */
  public Instant since() {
    return since;
  }
}
