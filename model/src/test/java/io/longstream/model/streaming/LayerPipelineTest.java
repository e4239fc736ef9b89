package io.longstream.model.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's scheduling and failure rules, on steps that record what was done to them (the model's
 * numbers through the pipeline are checked against the reference in StreamingReferenceTest).
 */
class LayerPipelineTest {

  @Test
  void shouldBalanceLayersAndHeadOverTheStages() {
    // SmolLM2-135M-shaped: the head (≈ 6 layers' work) goes with the last stage, which gets fewer layers.
    assertThat(LayerPipeline.boundaries(2, 30, 10.0, 58.0)).containsExactly(0, 18, 30);
    assertThat(LayerPipeline.boundaries(3, 30, 10.0, 0.0)).containsExactly(0, 10, 20, 30);
    // Every stage keeps at least one layer, and there are never more stages than layers.
    assertThat(LayerPipeline.boundaries(3, 4, 1.0, 100.0)).containsExactly(0, 2, 3, 4);
    assertThat(LayerPipeline.boundaries(4, 2, 1.0, 0.0)).containsExactly(0, 1, 2);
    assertThat(LayerPipeline.boundaries(1, 30, 10.0, 58.0)).containsExactly(0, 30);
  }

  @Test
  void shouldRunEveryLayerOfEveryStepInStepOrderAndReturnResultsInOrder() {
    LayerPipeline pipeline = new LayerPipeline(3);
    Recorder steps = new Recorder(-1, -1);
    List<Integer> results = pipeline.run(20, new int[] {0, 2, 5, 9}, steps);
    assertThat(results).containsExactlyElementsOf(range(20));
    for (int layer = 0; layer < 9; layer++) {
      assertThat(steps.stepsSeenByLayer(layer)).as("layer %d", layer).containsExactlyElementsOf(range(20));
    }
    assertThat(steps.discarded).isEmpty();
  }

  @Test
  void shouldStopAtTheFirstFailureAndFreeEveryStepOnce() {
    for (int failingStage : new int[] {0, 1, 2}) {
      LayerPipeline pipeline = new LayerPipeline(3);
      Recorder steps = new Recorder(7, failingStage);
      assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
          assertThatThrownBy(() -> pipeline.run(20, new int[] {0, 2, 5, 9}, steps))
              .as("failure in stage %d", failingStage)
              .hasMessage("step 7 failed"));
      List<Integer> freed = new ArrayList<>(steps.ended);
      freed.addAll(steps.discarded);
      Collections.sort(freed);
      assertThat(freed).as("every begun step ended or discarded once").containsExactlyElementsOf(range(steps.begun.get()));
      assertThat(steps.ended).allMatch(step -> step < 7);
    }
  }

  @Test
  void shouldRunOneStageOnTheCallersThread() {
    LayerPipeline pipeline = new LayerPipeline(1);
    Recorder steps = new Recorder(-1, -1);
    assertThat(pipeline.run(5, new int[] {0, 4}, steps)).containsExactly(0, 1, 2, 3, 4);
    assertThat(steps.threads).containsOnly(Thread.currentThread().getName());
  }

  private static List<Integer> range(int n) {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  /** Steps that log the layers they pass and fail where told: stage 0 at begin, a later stage at its layers. */
  private static final class Recorder implements LayerPipeline.Steps<Recorder.Step, Integer> {
    final int failingStep;
    final int failingStage;
    final AtomicInteger begun = new AtomicInteger();
    final List<Integer> ended = new CopyOnWriteArrayList<>();
    final List<Integer> discarded = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<Integer, List<Integer>> layerLog = new ConcurrentHashMap<>();

    Recorder(int failingStep, int failingStage) {
      this.failingStep = failingStep;
      this.failingStage = failingStage;
    }

    static final class Step {
      final int index;
      int layersDone;
      int parts;
      boolean freed;

      Step(int index) {
        this.index = index;
      }
    }

    List<Integer> stepsSeenByLayer(int layer) {
      return layerLog.getOrDefault(layer, List.of());
    }

    @Override
    public Step begin(int index) {
      if (index == failingStep && failingStage == 0) {
        throw new IllegalStateException("step " + index + " failed");
      }
      begun.incrementAndGet();
      return new Step(index);
    }

    @Override
    public void layers(Step step, int to) {
      threads.add(Thread.currentThread().getName());
      if (step.index == failingStep && step.parts == failingStage) {
        throw new IllegalStateException("step " + step.index + " failed");
      }
      for (int layer = step.layersDone; layer < to; layer++) {
        layerLog.computeIfAbsent(layer, l -> new CopyOnWriteArrayList<>()).add(step.index);
      }
      step.layersDone = to;
      step.parts++;
    }

    @Override
    public Integer end(Step step) {
      free(step);
      ended.add(step.index);
      return step.index;
    }

    @Override
    public void discard(Step step) {
      free(step);
      discarded.add(step.index);
    }

    private static void free(Step step) {
      if (step.freed) {
        throw new IllegalStateException("step " + step.index + " freed twice");
      }
      step.freed = true;
    }
  }
}
