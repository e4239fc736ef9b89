package io.longstream.app.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EngineConfigurationTest {

  @Test
  void shouldShareTheCoresAmongTheStreamThreadsUnlessThreadsAreConfigured() {
    assertThat(EngineConfiguration.intraOpThreads(0, 1, 8)).isEqualTo(8);
    assertThat(EngineConfiguration.intraOpThreads(0, 2, 8)).isEqualTo(4);
    assertThat(EngineConfiguration.intraOpThreads(0, 2, 2)).isEqualTo(1);
    assertThat(EngineConfiguration.intraOpThreads(0, 4, 2)).isEqualTo(1);
    assertThat(EngineConfiguration.intraOpThreads(3, 2, 8)).isEqualTo(3);
  }
}
