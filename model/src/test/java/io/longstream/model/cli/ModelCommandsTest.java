package io.longstream.model.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.model.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/** The model commands as a user runs them: JSON on stdout, or exit code 2 and one line on stderr. */
class ModelCommandsTest {

  record Run(int exitCode, String out, String err) {
    JsonNode json() {
      return Json.MAPPER.readTree(out);
    }
  }

  static Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Cli.commandLine(command);
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static String model() {
    return Fixtures.golden("llama-gqa").toString();
  }

  @Test
  void forwardShouldPrintLogitsAndHiddenPerPosition() {
    Run run = run(new ForwardCommand(), "--model", model(), "--tokens", "1, 2 3");
    assertThat(run.exitCode()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("logits").size()).isEqualTo(3);
    assertThat(json.get("logits").get(0).size()).isEqualTo(96);
    assertThat(json.get("hidden").get(2).size()).isEqualTo(32);
  }

  @Test
  void forwardWithTextShouldAddTokensAndOffsets() {
    Run run = run(new ForwardCommand(), "--model", model(), "--text", "the café stream");
    assertThat(run.exitCode()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("tokens").size()).isEqualTo(json.get("logits").size());
    assertThat(json.get("offsets").get(0).get(0).asInt()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"1,2,96", "", " , ", "1,x", "-1"})
  void forwardShouldRejectBadTokenListsInOneLine(String tokens) {
    assertOneLineError(run(new ForwardCommand(), "--model", model(), "--tokens", tokens));
  }

  @Test
  void forwardShouldRejectMissingModelDirectory() {
    Run run = run(new ForwardCommand(), "--model", "/nonexistent/model", "--tokens", "1");
    assertOneLineError(run);
    assertThat(run.err()).contains("/nonexistent/model");
  }

  @Test
  void forwardShouldRejectInvalidConfigJson(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{ not json");
    Run run = run(new ForwardCommand(), "--model", dir.toString(), "--tokens", "1");
    assertOneLineError(run);
    assertThat(run.err()).contains("invalid JSON");
  }

  @Test
  void ropeShouldPrintInverseFrequenciesAndAttentionFactor() {
    Run run = run(new RopeCommand(), "--config", Fixtures.golden("rope-yarn").resolve("config.json").toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.json().get("inv_freq").size()).isEqualTo(4);
    assertThat(run.json().get("attention_factor").asDouble()).isGreaterThan(1.0);
  }

  @Test
  void ropeShouldRejectUnsupportedRopeTypeNamingTheKnownOnes(@TempDir Path dir) throws Exception {
    String config = Files.readString(Fixtures.golden("llama-gqa").resolve("config.json"))
        .replace("\"rope_type\": \"default\"", "\"rope_type\": \"wobbly\"");
    Files.writeString(dir.resolve("config.json"), config);
    Run run = run(new RopeCommand(), "--config", dir.toString());
    assertOneLineError(run);
    assertThat(run.err()).contains("wobbly").contains("yarn");
  }

  @Test
  void streamShouldPrintNllForEveryPredictedTokenAndOneEntryPerWindow(@TempDir Path dir) throws Exception {
    Path tokens = dir.resolve("tokens.txt");
    Files.writeString(tokens, "5 6 7 8 9 10 11 12 13 14\n15,16,17,18,19,20,21,22,23,24,25");
    Run run = run(new StreamCommand(), "--model", model(), "--tokens-file", tokens.toString(),
        "--sinks", "2", "--window", "4", "--chunk", "6", "--positions", "rolling", "--diagnostics");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = run.json();
    assertThat(json.get("nll").size()).isEqualTo(20);
    assertThat(json.get("windows").size()).isEqualTo(4);
    JsonNode last = json.get("windows").get(3);
    assertThat(last.get("start").asInt()).isEqualTo(18);
    assertThat(last.get("end").asInt()).isEqualTo(21);
    assertThat(last.get("sink_mass").asDouble()).isBetween(0.0, 1.0);
    assertThat(last.get("max_position").asInt()).isLessThanOrEqualTo(2 + 4 + 6 - 1);
  }

  @Test
  void streamWithTextFileShouldTokenize(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("doc.txt");
    Files.writeString(text, "the stream reads tokens and ends. ".repeat(10));
    Run run = run(new StreamCommand(), "--model", model(), "--text-file", text.toString(),
        "--sinks", "4", "--window", "16", "--chunk", "8");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.json().get("windows").size()).isGreaterThan(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--chunk=0", "--sinks=-1", "--window=-2", "--positions=sideways"})
  void streamShouldRejectBadSettingsInOneLine(String bad) throws Exception {
    Path tokens = Files.createTempFile("tokens", ".txt");
    Files.writeString(tokens, "1 2 3");
    assertOneLineError(run(new StreamCommand(), "--model", model(), "--tokens-file", tokens.toString(), bad));
  }

  @Test
  void streamShouldRejectMissingFile() {
    Run run = run(new StreamCommand(), "--model", model(), "--tokens-file", "/nonexistent/tokens.txt");
    assertOneLineError(run);
    assertThat(run.err()).contains("/nonexistent/tokens.txt");
  }

  static void assertOneLineError(Run run) {
    assertThat(run.exitCode()).isEqualTo(Cli.BAD_INPUT);
    assertThat(run.err().strip()).matches("^[a-z]+: .+").doesNotContain("\n").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }
}
