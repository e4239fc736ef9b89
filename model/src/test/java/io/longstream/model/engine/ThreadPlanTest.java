package io.longstream.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ThreadPlanTest {

  @Test
  void shouldSpendACpuDocumentsThreadsAsPipelineStagesOfOneThread() {
    assertThat(ThreadPlan.resolve(false, 0, 0, 8, 1)).isEqualTo(new ThreadPlan(1, 8));
    assertThat(ThreadPlan.resolve(false, 2, 0, 8, 1)).isEqualTo(new ThreadPlan(1, 2));
  }

  @Test
  void shouldShareTheCoresAmongTheDocumentsProcessedAtOnce() {
    assertThat(ThreadPlan.resolve(false, 0, 0, 8, 2)).isEqualTo(new ThreadPlan(1, 4));
    assertThat(ThreadPlan.resolve(false, 0, 0, 2, 2)).isEqualTo(new ThreadPlan(1, 1));
    assertThat(ThreadPlan.resolve(false, 0, 0, 2, 4)).isEqualTo(new ThreadPlan(1, 1));
    assertThat(ThreadPlan.resolve(false, 3, 0, 8, 2)).isEqualTo(new ThreadPlan(1, 3));
  }

  @Test
  void shouldGiveAGpuOneStageWithTheThreadsInsideTheOps() {
    assertThat(ThreadPlan.resolve(true, 0, 0, 8, 2)).isEqualTo(new ThreadPlan(4, 1));
    assertThat(ThreadPlan.resolve(true, 3, 0, 8, 1)).isEqualTo(new ThreadPlan(3, 1));
  }

  @Test
  void shouldSplitTheThreadsOverExplicitStages() {
    assertThat(ThreadPlan.resolve(false, 8, 1, 8, 1)).isEqualTo(new ThreadPlan(8, 1));
    assertThat(ThreadPlan.resolve(false, 8, 2, 8, 1)).isEqualTo(new ThreadPlan(4, 2));
    assertThat(ThreadPlan.resolve(false, 2, 4, 8, 1)).isEqualTo(new ThreadPlan(1, 4));
  }

  @Test
  void shouldRejectNegativeCounts() {
    assertThatThrownBy(() -> ThreadPlan.resolve(false, -1, 0, 8, 1)).hasMessageContaining("≥ 0");
    assertThatThrownBy(() -> ThreadPlan.resolve(false, 0, -2, 8, 1)).hasMessageContaining("≥ 0");
  }
}
