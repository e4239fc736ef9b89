package io.longstream.model.engine;

/**
 * How the CPU threads given to one document are spent: libtorch intra-op threads inside each op, or stages
 * of the streaming engine's layer pipeline, each running its ops on one thread. On a CPU the pipeline wins
 * (SmolLM2-135M on 2 cores: 2 stages × 1 thread made 1.3× the tokens/s of 1 stage × 2 threads, see
 * docs/BENCHMARKS.md), because a step's matrix products are too small to scale across cores; on a GPU the
 * device runs the ops and CPU threads only launch them, so one stage.
 *
 * @param intraOpThreads libtorch intra-op threads (a process-wide setting)
 * @param stages layer-pipeline stages per document
 */
public record ThreadPlan(int intraOpThreads, int stages) {

  public ThreadPlan {
    if (intraOpThreads < 1 || stages < 1) {
      throw new IllegalArgumentException("threads and stages must be ≥ 1, got " + intraOpThreads + " and " + stages);
    }
  }

  /**
   * The plan for a model run with {@code options} ({@code options.threads()} = CPU threads per document, 0 =
   * the cores shared among the documents processed at once) on this machine's cores.
   *
   * @param stages pipeline stages; 0 = automatic (CPU: one per thread; GPU: one)
   * @param concurrentDocuments documents processed at once (Kafka Streams threads)
   */
  public static ThreadPlan of(EngineOptions options, int stages, int concurrentDocuments) {
    return resolve(
        options.resolvedDevice().isGpu(), options.threads(), stages, Runtime.getRuntime().availableProcessors(), concurrentDocuments);
  }

  /**
   * @param gpu whether the model runs on a GPU
   * @param threads CPU threads for one document; 0 = the cores shared among the documents processed at once
   * @param stages pipeline stages; 0 = automatic (CPU: one per thread; GPU: one)
   * @param cores available processors
   * @param concurrentDocuments documents processed at once (Kafka Streams threads)
   */
  static ThreadPlan resolve(boolean gpu, int threads, int stages, int cores, int concurrentDocuments) {
    if (threads < 0 || stages < 0) {
      throw new IllegalArgumentException("threads and stages must be ≥ 0, got " + threads + " and " + stages);
    }
    int perDocument = threads > 0 ? threads : Math.max(1, cores / Math.max(1, concurrentDocuments));
    if (stages == 0) {
      return gpu ? new ThreadPlan(perDocument, 1) : new ThreadPlan(1, perDocument);
    }
    return new ThreadPlan(Math.max(1, perDocument / stages), stages);
  }
}
