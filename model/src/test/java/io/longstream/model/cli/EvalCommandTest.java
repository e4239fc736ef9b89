package io.longstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.longstream.model.TinyModels;
import io.longstream.model.evaluation.EvaluationReport;
import io.longstream.model.tokenizer.ByteTokenizer;
import io.longstream.model.tokenizer.TextTokenizer;
import io.longstream.model.training.Corpus;
import io.longstream.model.training.TokenSplit;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalCommandTest {

  @TempDir static Path temp;
  static Path alibi;
  static Path rope;
  static Path text;

  record Run(int exitCode, String out, String err) {}

  @BeforeAll
  static void models() throws Exception {
    alibi = TinyModels.write(temp.resolve("tiny-alibi"), "alibi", 2, 21);
    rope = TinyModels.write(temp.resolve("tiny-rope"), "rope", 2, 22);
    StringBuilder s = new StringBuilder();
    for (int i = 0; s.length() < 3000; i++) {
      s.append("the quick brown fox ").append(i % 7 == 0 ? "jumps over" : "looks at").append(" the lazy dog ").append(i).append(". ");
    }
    text = Files.writeString(temp.resolve("text.txt"), s.toString());
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine(new EvalCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static List<Map<String, String>> csv(Path file) throws Exception {
    List<String> lines = Files.readAllLines(file);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      assertThat(cells).as(line).hasSameSizeAs(header);
      Map<String, String> row = new java.util.LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  @Test
  void shouldWriteCsvMarkdownAndPngForEveryModelLengthModeAndSinkCount() throws Exception {
    Path out = temp.resolve("out");
    Run run = run(
        "--model", alibi.toString(), "--model", rope.toString(), "--lengths", "32,64,128,256",
        "--positions", "absolute,rolling", "--sinks", "0,4", "--text-file", text.toString(), "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();

    List<Map<String, String>> rows = csv(out.resolve(EvaluationReport.CSV));
    assertThat(rows).hasSize(2 * 4 * 3);
    for (Map<String, String> row : rows) {
      assertThat(row.get("status")).isEqualTo("ok");
      assertThat(Double.parseDouble(row.get("perplexity"))).isGreaterThan(1.0).isFinite();
      int length = Integer.parseInt(row.get("length"));
      assertThat(Long.parseLong(row.get("tokens_scored"))).isEqualTo((256 / length) * (length - 1L));
      long maxPosition = Long.parseLong(row.get("max_position"));
      if (row.get("mode").equals("absolute")) {
        assertThat(maxPosition).isEqualTo(length - 1);
      } else {
        assertThat(maxPosition).isLessThan(TinyModels.CONTEXT);
      }
    }
    // Within the trained context nothing is evicted: rolling equals absolute, whatever S.
    Map<String, Double> byKey = rows.stream().collect(Collectors.toMap(
        r -> r.get("model") + r.get("mode") + r.get("sinks") + "@" + r.get("length"),
        r -> Double.parseDouble(r.get("mean_nll"))));
    for (String model : List.of("tiny-alibi", "tiny-rope")) {
      for (String length : List.of("32", "64")) {
        double absolute = byKey.get(model + "absolute@" + length);
        assertThat(byKey.get(model + "rolling0@" + length)).isCloseTo(absolute, within(1e-4));
        assertThat(byKey.get(model + "rolling4@" + length)).isCloseTo(absolute, within(1e-4));
      }
    }

    String markdown = Files.readString(out.resolve(EvaluationReport.MARKDOWN));
    assertThat(markdown).contains("| model | scheme | mode | S | trained context | 32 | 64 | 128 | 256 |");
    assertThat(markdown).contains("| tiny-alibi | alibi | rolling | 4 | 64 |");
    assertThat(markdown.lines().filter(l -> l.startsWith("| tiny-"))).hasSize(6);

    BufferedImage png = ImageIO.read(out.resolve(EvaluationReport.PNG).toFile());
    assertThat(png).isNotNull();
    assertThat(png.getWidth()).isEqualTo(1100);
    assertThat(png.getHeight()).isEqualTo(650);
  }

  @Test
  void shouldApplyRopeScalingToRopeModelsOnly() throws Exception {
    Path out = temp.resolve("scaled");
    Run plain = run("--model", rope.toString(), "--lengths", "128", "--positions", "absolute",
        "--text-file", text.toString(), "--out", temp.resolve("plain").toString());
    Run scaled = run("--model", rope.toString(), "--model", alibi.toString(), "--lengths", "128",
        "--positions", "absolute", "--rope-scaling", "linear:2", "--text-file", text.toString(), "--out", out.toString());
    assertThat(scaled.exitCode()).as(scaled.err()).isZero();
    List<Map<String, String>> rows = csv(out.resolve(EvaluationReport.CSV));
    assertThat(rows.get(0).get("rope_scaling")).isEqualTo("linear:2");
    assertThat(rows.get(1).get("rope_scaling")).isEmpty();
    double before = Double.parseDouble(csv(temp.resolve("plain").resolve(EvaluationReport.CSV)).get(0).get("mean_nll"));
    assertThat(plain.exitCode()).isZero();
    assertThat(Double.parseDouble(rows.get(0).get("mean_nll"))).isNotCloseTo(before, within(1e-6));
  }

  @Test
  void shouldSkipLengthsLongerThanTheTextWithAWarning() throws Exception {
    Path out = temp.resolve("short");
    Run run = run("--model", alibi.toString(), "--lengths", "64,100000", "--positions", "rolling",
        "--text-file", text.toString(), "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("warning: tiny-alibi · rolling · S=4 L=100000 skipped");
    List<Map<String, String>> rows = csv(out.resolve(EvaluationReport.CSV));
    assertThat(rows.get(1).get("status")).isEqualTo("text-shorter-than-length");
    assertThat(rows.get(1).get("perplexity")).isEmpty();
    assertThat(Files.readString(out.resolve(EvaluationReport.MARKDOWN))).contains("| – |");
  }

  @Test
  void shouldEvaluateTheTrainersHeldOutSplitWithoutATextFile() throws Exception {
    Path out = temp.resolve("default-text");
    Run run = run("--model", alibi.toString(), "--lengths", "64", "--positions", "absolute", "--out", out.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(csv(out.resolve(EvaluationReport.CSV)).get(0).get("status")).isEqualTo("ok");
    assertThat(Files.readString(out.resolve(EvaluationReport.MARKDOWN))).contains("held-out split of the training corpus");
  }

  @Test
  void shouldTokenizeTheDefaultTextExactlyAsTheTrainersValidationStream() throws Exception {
    Path file = Files.writeString(temp.resolve("byte-tokenizer.json"), ByteTokenizer.tokenizerJson());
    Corpus europarl = Corpus.europarl();
    assertThat(EvalCommand.heldOutDocuments()).isEqualTo(europarl.heldOut(Corpus.DEFAULT_HELD_OUT_FRACTION).documents());
    try (TextTokenizer bytes = TextTokenizer.load(file)) {
      long[] eval = EvalCommand.documentTokens(bytes, EvalCommand.heldOutDocuments());
      int[] validation = TokenSplit.of(europarl, Corpus.DEFAULT_HELD_OUT_FRACTION).validation();
      assertThat(eval).hasSize(validation.length).isEqualTo(java.util.Arrays.stream(validation).asLongStream().toArray());
    }
  }

  @Test
  void shouldExitWithCode2AndOneLineOnBadArguments() {
    String m = alibi.toString();
    String t = text.toString();
    List<String[]> bad = List.of(
        new String[] {"--lengths", "64", "--positions", "absolute"},
        new String[] {"--model", m, "--lengths", "64", "--positions", "sideways", "--text-file", t},
        new String[] {"--model", m, "--lengths", "1", "--positions", "absolute", "--text-file", t},
        new String[] {"--model", m, "--lengths", "sixty", "--positions", "absolute", "--text-file", t},
        new String[] {"--model", m, "--lengths", "64", "--positions", "rolling", "--sinks", "-1", "--text-file", t},
        new String[] {"--model", m, "--lengths", "64", "--positions", "absolute", "--rope-scaling", "yarn", "--text-file", t},
        new String[] {"--model", m, "--lengths", "64", "--positions", "absolute", "--rope-scaling", "warp:2", "--text-file", t},
        new String[] {"--model", temp.resolve("missing").toString(), "--lengths", "64", "--positions", "absolute", "--text-file", t},
        new String[] {"--model", m, "--lengths", "64", "--positions", "absolute", "--text-file", temp.resolve("none.txt").toString()},
        new String[] {"--model", m, "--lengths", "100000", "--positions", "absolute", "--text-file", t},
        new String[] {"--model", m, "--lengths", "64", "--positions", "rolling", "--chunk", "64", "--text-file", t});
    for (String[] args : bad) {
      Run run = run(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(Cli.BAD_INPUT);
      assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
      assertThat(run.err()).startsWith("eval: ");
    }
  }
}
