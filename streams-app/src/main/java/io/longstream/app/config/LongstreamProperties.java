package io.longstream.app.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the service, under {@code longstream.*}, bound once at start-up and validated there: a
 * bad value stops the service with the property name and the rule it broke.
 *
 * @param topics topic names, partitions and replication ({@code longstream.topics.*})
 * @param model the checkpoint and where it runs ({@code longstream.model.*})
 * @param streaming the streaming-attention settings S, W, C and positions mode ({@code longstream.streaming.*})
 * @param diagnostics attention diagnostics sampling ({@code longstream.diagnostics.*})
 * @param limits input size limits ({@code longstream.limits.*})
 * @param dlq dead-letter settings ({@code longstream.dlq.*})
 * @param summary extractive summary settings ({@code longstream.summary.*})
 */
@Validated
@ConfigurationProperties("longstream")
public record LongstreamProperties(
    @Valid @NotNull @DefaultValue Topics topics,
    @Valid @NotNull @DefaultValue Model model,
    @Valid @NotNull @DefaultValue Streaming streaming,
    @Valid @NotNull @DefaultValue Diagnostics diagnostics,
    @Valid @NotNull @DefaultValue Limits limits,
    @Valid @NotNull @DefaultValue DeadLetters dlq,
    @Valid @NotNull @DefaultValue Summary summary) {

  /**
   * Topics, created at start-up when missing (existing topics are left as they are, except that partitions
   * are only ever increased).
   *
   * @param input input topic: Avro single-object Document or plain UTF-8 text, key = document id
   * @param windows output topic of WindowEmbedding records, one per window
   * @param summaries output topic of DocumentSummary records, one per document
   * @param metrics output topic of WindowMetrics records, one per window
   * @param dlq dead-letter topic of DeadLetter records, one per refused input record
   * @param partitions partitions of each topic created by the service (parallelism limit)
   * @param replication replication factor of each topic created by the service (use 3 on a real cluster)
   * @param create whether to create missing topics at start-up
   */
  public record Topics(
      @NotBlank @DefaultValue("documents") String input,
      @NotBlank @DefaultValue("windows") String windows,
      @NotBlank @DefaultValue("summaries") String summaries,
      @NotBlank @DefaultValue("metrics") String metrics,
      @NotBlank @DefaultValue("dlq") String dlq,
      @Min(1) @Max(10_000) @DefaultValue("3") int partitions,
      @Min(1) @Max(32) @DefaultValue("1") short replication,
      @DefaultValue("true") boolean create) {

    @AssertTrue(message = "topic names (input, windows, summaries, metrics, dlq) must all differ")
    boolean isDistinct() {
      return java.util.stream.Stream.of(input, windows, summaries, metrics, dlq).distinct().count() == 5;
    }
  }

  /**
   * The transformer checkpoint, loaded from disk or from the jar, never downloaded.
   *
   * @param path Hugging Face checkpoint directory (config.json, tokenizer.json, *.safetensors); empty = the bundled one
   * @param device where the model runs: cpu, gpu or gpu:N
   * @param dtype weight and activation type
   * @param threads CPU threads per Kafka Streams thread (per document in flight); 0 = the available cores divided
   *     among the stream threads (num.stream.threads)
   * @param stages layer-pipeline stages per document, over which those threads are spent; 0 = automatic (on a
   *     CPU one stage per thread, each op on one thread; on a GPU one stage, the threads as intra-op threads)
   */
  public record Model(
      @DefaultValue("") String path,
      @NotNull @Pattern(regexp = "cpu|gpu(:\\d+)?", message = "must be cpu, gpu or gpu:N") @DefaultValue("cpu") String device,
      @NotNull @DefaultValue("float32") DType dtype,
      @Min(0) @Max(1024) @DefaultValue("0") int threads,
      @Min(0) @Max(1024) @DefaultValue("0") int stages) {

    @AssertTrue(message = "path must be an existing checkpoint directory (or empty for the bundled model)")
    boolean isPathUsable() {
      return path == null || path.isBlank() || Files.isDirectory(Path.of(path));
    }
  }

  /** Numeric type of weights and activations. */
  public enum DType {
    /** 32-bit float, the reference for tests and the only type on CPU in practice. */
    FLOAT32,
    /** 16-bit float (GPU). */
    FLOAT16,
    /** bfloat16 (GPU). */
    BFLOAT16
  }

  /**
   * Streaming attention (see spec/streaming-semantics.md).
   *
   * @param sinks S: first tokens of a document kept in the cache forever (0 = plain window attention)
   * @param window W: recent-cache capacity in tokens; 0 = trained context - S - C of the model
   * @param chunk C: tokens per forward step, which is also one output window; 0 = min(256, trained context / 4)
   * @param positions how position ids are assigned: rolling, absolute or recompute
   */
  public record Streaming(
      @Min(0) @Max(1024) @DefaultValue("4") int sinks,
      @Min(0) @DefaultValue("0") int window,
      @Min(0) @Max(65_536) @DefaultValue("0") int chunk,
      @NotNull @DefaultValue("rolling") PositionsMode positions) {}

  /** How position ids are assigned inside the streaming cache. */
  public enum PositionsMode {
    /** Positions are indices inside the cache (StreamingLLM pos_shift); never exceed S + W + C - 1. */
    ROLLING,
    /** Every token keeps its document position (shows extrapolation past the trained length). */
    ABSOLUTE,
    /** Re-encode the last S + W tokens for every chunk: the quality reference, O(N W). */
    RECOMPUTE
  }

  /**
   * Attention diagnostics (sink mass, entropy) cost an extra pass; they are computed on a sample of windows.
   *
   * @param samplingRate fraction of windows whose attention diagnostics are computed, 0 to 1
   */
  public record Diagnostics(@DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.1") double samplingRate) {}

  /**
   * Input limits; a document over a limit goes to the DLQ (TOO_MANY_BYTES, TOO_MANY_TOKENS).
   *
   * @param maxDocumentBytes largest input value accepted; the input topic's max.message.bytes is set above it
   * @param maxTokens largest document accepted, in tokens, checked right after tokenization
   */
  public record Limits(
      @NotNull @DefaultValue("8MB") DataSize maxDocumentBytes,
      @Min(1) @DefaultValue("2000000") int maxTokens) {

    @AssertTrue(message = "max-document-bytes must be between 1B and 512MB")
    boolean isMaxDocumentBytesInRange() {
      return maxDocumentBytes != null
          && maxDocumentBytes.toBytes() >= 1
          && maxDocumentBytes.compareTo(DataSize.ofMegabytes(512)) <= 0;
    }
  }

  /**
   * Dead-letter records.
   *
   * @param keepPayload whether DeadLetter records carry the refused value (off: they may hold private text)
   */
  public record DeadLetters(@DefaultValue("false") boolean keepPayload) {}

  /**
   * The extractive summary of each document.
   *
   * @param sentences how many sentences a summary holds (fewer when the document has fewer)
   * @param mmrLambda MMR trade-off between relevance to the document (1) and diversity (0)
   */
  public record Summary(
      @Min(1) @Max(100) @DefaultValue("3") int sentences,
      @DecimalMin("0.0") @DecimalMax("1.0") @DefaultValue("0.7") double mmrLambda) {}
}
