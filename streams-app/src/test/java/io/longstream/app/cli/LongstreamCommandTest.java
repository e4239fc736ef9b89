package io.longstream.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LongstreamCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine command = LongstreamCommand.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  @Test
  void shouldListTheSubcommandsInHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: longstream", "serve", "publish", "consume");
    assertThat(err.toString()).isEmpty();
  }

  /** Every error line ends with "(see 'longstream X --help')", so every subcommand must answer --help. */
  @Test
  void shouldPrintUsageForEverySubcommandsHelp() {
    for (String name : LongstreamCommand.commandLine().getSubcommands().keySet()) {
      out.getBuffer().setLength(0);
      assertThat(run(name, "--help")).as(name).isZero();
      assertThat(out.toString()).as(name).startsWith("Usage: longstream " + name);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shouldPrintTheVersions() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("longstream", "Kafka 4.2");
  }

  @Test
  void shouldExitWithTwoAndOneLineWithoutSubcommand() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("longstream: missing subcommand (see 'longstream --help')" + System.lineSeparator());
  }

  @Test
  void shouldExitWithTwoAndOneLineOnBadArguments() {
    assertThat(run("consume", "--topic", "documents")).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("longstream consume: Invalid value for option '--topic'")
        .endsWith("(see 'longstream consume --help')");
  }

  @Test
  void shouldExitWithTwoOnAMissingRequiredOptionOrUnknownOption() {
    assertThat(run("consume")).isEqualTo(2);
    assertThat(run("publish", "--no-such-option", "file.txt")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(2);
  }

  @Test
  void shouldRefuseAnUnreadableFileBeforeConnecting(@TempDir Path dir) {
    assertThat(run("publish", dir.resolve("missing.txt").toString())).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString().contains("cannot read", "missing.txt");
  }

  @Test
  void shouldRefuseInvalidUtf8InAvroModeBeforeConnecting(@TempDir Path dir) throws Exception {
    Path binary = Files.write(dir.resolve("binary.bin"), new byte[] {(byte) 0xFF, (byte) 0xFE});

    assertThat(run("publish", "--bootstrap", "localhost:1", binary.toString())).isEqualTo(2);
    assertThat(err.toString().lines()).singleElement().asString()
        .isEqualTo("longstream publish: " + binary + " is not valid UTF-8 (use --plain to publish the raw bytes)");
  }
}
