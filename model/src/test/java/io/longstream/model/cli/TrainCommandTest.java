package io.longstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.model.engine.EngineOptions;
import io.longstream.model.engine.LanguageModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

  @TempDir Path dir;

  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  int run(String... args) {
    var cli = Cli.commandLine(new TrainCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldTrainAndWriteALoadableCheckpoint() {
    Path model = dir.resolve("m");
    int code = run(
        "--context", "32", "--hidden", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1",
        "--steps", "6", "--batch", "2", "--eval-every", "3", "--eval-batches", "1",
        "--max-documents", "50", "--no-progress", "--out", model.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("step 0: train loss NaN", "step 6:", "done: 6 steps");
    assertThat(model.resolve("config.json")).exists();
    assertThat(model.resolve("tokenizer.json")).exists();
    assertThat(model.resolve("optimizer.safetensors")).exists();
    try (LanguageModel lm = LanguageModel.load(model, EngineOptions.cpu())) {
      assertThat(lm.config().maxPositionEmbeddings()).isEqualTo(32);
      assertThat(lm.config().intermediateSize()).isEqualTo(128); // 8/3·32 rounded up to 64s
    }
  }

  @Test
  void shouldRejectAnUnknownPositionalSchemeNamingTheKnownOnes() {
    int code = run("--pe", "sinusoidal-typo", "--context", "32", "--out", dir.toString());
    assertThat(code).isEqualTo(Cli.BAD_INPUT);
    assertThat(err.toString()).contains("unknown positional encoding 'sinusoidal-typo'", "rope");
  }

  @Test
  void shouldRequireAContextForANewRun() {
    assertThat(run("--out", dir.toString())).isEqualTo(Cli.BAD_INPUT);
    assertThat(err.toString()).contains("--context is required");
  }
}
