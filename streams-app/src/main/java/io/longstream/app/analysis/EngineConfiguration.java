package io.longstream.app.analysis;

import io.longstream.app.config.LongstreamProperties;
import io.longstream.model.engine.BundledModels;
import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import io.longstream.model.engine.ThreadPlan;
import io.longstream.model.streaming.PositionMode;
import io.longstream.model.streaming.StreamingEngine;
import io.longstream.model.streaming.StreamingSettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads the model once at start-up (from {@code longstream.model.path}, or the bundled default) and wires
 * the streaming engine into the topology as its {@link DocumentAnalyzer}. A model that cannot be loaded
 * stops the start-up with its one-line reason ({@link ModelLoadException}).
 */
@Configuration(proxyBeanMethods = false)
class EngineConfiguration {

  private static final Logger log = LoggerFactory.getLogger(EngineConfiguration.class);

  /**
   * How each document in flight spends its CPU threads ({@link ThreadPlan}): the cores are shared among the
   * Kafka Streams threads unless {@code longstream.model.threads} says otherwise, so that N stream threads,
   * each with its own document, do not oversubscribe them (docs/operations.md); on a CPU each document's
   * share runs as layer-pipeline stages of one thread each.
   */
  @Bean
  ThreadPlan threadPlan(LongstreamProperties properties, KafkaProperties kafka) {
    return ThreadPlan.of(engineOptions(properties.model()), properties.model().stages(), streamThreads(kafka));
  }

  /** Device, dtype and CPU threads per document as configured ({@code threads} 0 = shared cores). */
  private static EngineOptions engineOptions(LongstreamProperties.Model model) {
    return new EngineOptions(model.device(), model.dtype().name().toLowerCase(Locale.ROOT), model.threads());
  }

  @Bean(destroyMethod = "close")
  LanguageModel languageModel(LongstreamProperties properties, ThreadPlan plan) {
    LongstreamProperties.Model model = properties.model();
    boolean bundled = model.path() == null || model.path().isBlank();
    Path directory = bundled ? BundledModels.directory(BundledModels.DEFAULT) : Path.of(model.path());
    int threads = plan.intraOpThreads();
    EngineOptions options = engineOptions(model).withThreads(threads);
    LanguageModel lm;
    try {
      lm = LanguageModel.load(directory, options);
    } catch (RuntimeException e) {
      throw new ModelLoadException(directory, e);
    }
    log.info(
        "Model {} loaded from {} on {} ({}, positional scheme {}; per document {} pipeline stage(s) of {} libtorch thread(s))",
        bundled ? BundledModels.DEFAULT : directory.getFileName(),
        directory,
        options.device(),
        options.dtype(),
        lm.config().positionalEncoding(),
        plan.stages(),
        threads);
    return lm;
  }

  private static int streamThreads(KafkaProperties kafka) {
    String value = kafka.getStreams().getProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
    try {
      return value == null ? 1 : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 1; // Kafka Streams itself rejects it at start-up, with its own message
    }
  }

  /**
   * Live native (libtorch) tensors under the model's NDManager [longstream_engine_native_tensors]: the weights
   * plus the working set of the document in flight. Back to the weights' count between documents; a count
   * that grows from one idle moment to the next is a leak (the soak harness watches it).
   */
  @Bean
  MeterBinder engineNativeTensors(LanguageModel lm) {
    return registry -> Gauge.builder("longstream.engine.native.tensors", lm, m -> m.manager().getManagedArrays().size())
        .description("Native tensors alive under the model's NDManager: weights plus in-flight documents")
        .register(registry);
  }

  @Bean
  StreamingSettings streamingSettings(LongstreamProperties properties, LanguageModel lm) {
    LongstreamProperties.Streaming s = properties.streaming();
    return StreamingSettings.forModel(
        lm.config().trainedContext(),
        s.sinks(),
        s.window() > 0 ? s.window() : null,
        s.chunk() > 0 ? s.chunk() : null,
        PositionMode.parse(s.positions().name()),
        properties.diagnostics().samplingRate());
  }

  @Bean
  ExtrapolationTracker extrapolationTracker() {
    return new ExtrapolationTracker();
  }

  @Bean
  ExtrapolationEndpoint extrapolationEndpoint(ExtrapolationTracker tracker) {
    return new ExtrapolationEndpoint(tracker);
  }

  @Bean
  DocumentAnalyzer documentAnalyzer(
      LanguageModel lm,
      ThreadPlan plan,
      StreamingSettings settings,
      LongstreamProperties properties,
      ExtrapolationTracker tracker,
      MeterRegistry meters) {
    return new ModelDocumentAnalyzer(
        new StreamingEngine(lm, plan.stages()),
        settings,
        modelId(properties, lm),
        properties.summary().sentences(),
        properties.summary().mmrLambda(),
        List.of(new EngineMetrics(meters), tracker));
  }

  @Bean
  EngineStatus engineStatus(LanguageModel lm, LongstreamProperties properties, StreamingSettings settings) {
    return new EngineStatus() {
      @Override
      public boolean loaded() {
        return true;
      }

      @Override
      public String device() {
        return lm.model().device().toString();
      }

      @Override
      public Map<String, Object> details() {
        return Map.of(
            "modelId", modelId(properties, lm),
            "dtype", lm.model().dataType().toString(),
            "positionalEncoding", lm.config().positionalEncoding(),
            "ropeScaling", lm.config().rope().type(),
            "trainedContext", lm.config().trainedContext(),
            "sinks", settings.sinks(),
            "window", settings.window(),
            "chunk", settings.chunk(),
            "positions", settings.mode().label());
      }
    };
  }

  private static String modelId(LongstreamProperties properties, LanguageModel lm) {
    String path = properties.model().path();
    return path == null || path.isBlank() ? BundledModels.DEFAULT : lm.directory().getFileName().toString();
  }
}
