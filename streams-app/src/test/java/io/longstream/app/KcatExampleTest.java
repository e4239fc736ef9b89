package io.longstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.longstream.app.cli.LongstreamCommand;
import io.longstream.app.samples.EuroparlSamples;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.wire.SingleObjectCodec;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Value;

/**
 * The README's kcat commands (src/test/resources/kcat-example.sh, run as it is) against the running service:
 * a plain-text document published by kcat with key = id comes back on summaries, windows and metrics, read
 * with read_committed, and the raw values kcat reads are Avro single-object records. Needs the kcat binary
 * (Debian package kcat, installed by .ci/run).
 */
@ServiceTest
class KcatExampleTest {

  private static final long TIMEOUT_SECONDS = 240;

  @Value("${spring.kafka.bootstrap-servers}")
  String bootstrap;

  private final String id = "kcat-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void shouldPublishPlainTextWithKcatAndReadItsSummaryWindowsAndMetricsBack(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("kcat"), "kcat is not installed (apt-get install -y kcat; CI's .ci/run installs it)");
    String text = EuroparlSamples.english(1, 600, "unused-").get(0).getText();
    Path file = Files.writeString(dir.resolve("document.txt"), text);
    Path script = Path.of(getClass().getResource("/kcat-example.sh").toURI());

    String out = run(List.of("bash", script.toString(), bootstrap, id, file.toString()));

    Matcher summary = Pattern.compile("(?m)^" + id + " 0@(\\d+) (\\d+) bytes$").matcher(out);
    assertThat(summary.find()).as("summary line in%n%s", out).isTrue();
    long windows = lines(out, "windows of", "metrics of");
    assertThat(windows).as("windows of a %d-character text", text.length()).isGreaterThan(1);
    assertThat(lines(out, "metrics of", "first bytes")).isEqualTo(windows);
    assertThat(out).contains("first bytes of a summary value:\n c3 01 ");

    byte[] value = runBytes(List.of("kcat", "-C", "-b", bootstrap, "-t", "summaries",
        "-X", "isolation.level=read_committed", "-p", "0", "-o", summary.group(1), "-c", "1", "-e", "-q", "-f", "%s"));
    assertThat(value).hasSize(Integer.parseInt(summary.group(2)));
    DocumentSummary decoded = SingleObjectCodec.of(DocumentSummary.class).decode(value);
    assertThat(decoded.getDocId()).isEqualTo(id);
    assertThat(decoded.getWindowCount()).isEqualTo(windows);
    assertThat(consumeAsJson("summaries")).contains("\"docId\":\"" + id + "\"");
  }

  /** Lines of this document's records between two headings of the script's output. */
  private long lines(String out, String from, String to) {
    String section = out.substring(out.indexOf(from), out.indexOf(to));
    return section.lines().filter(l -> l.startsWith(id + " ")).count();
  }

  private String consumeAsJson(String topic) {
    StringWriter json = new StringWriter();
    var cli = LongstreamCommand.commandLine();
    cli.setOut(new PrintWriter(json, true));
    assertThat(cli.execute("consume", "--topic", topic, "--from-beginning", "--timeout", "2", "--bootstrap", bootstrap)).isZero();
    return json.toString();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    String out = new String(runBytes(command), StandardCharsets.UTF_8);
    System.out.println(out);
    return out;
  }

  private static byte[] runBytes(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    assertThat(process.exitValue()).as("exit status of %s", command).isZero();
    return out;
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
