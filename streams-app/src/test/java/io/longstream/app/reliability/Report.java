package io.longstream.app.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** The figures of one harness run, printed and appended to target/reliability/NAME.txt for docs/RELIABILITY.md. */
final class Report {

  private final Path file;
  private final Instant start = Instant.now();

  Report(String name) {
    this.file = Path.of(System.getProperty("longstream.reliability.reports", "target/reliability"), name + ".txt");
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    line("== run at " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
  }

  void line(String format, Object... args) {
    String text = String.format("[%s +%ds] %s", LocalTime.now().truncatedTo(ChronoUnit.SECONDS),
        Duration.between(start, Instant.now()).toSeconds(), String.format(format, args));
    System.out.println(text);
    try {
      Files.writeString(file, text + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Duration elapsed() {
    return Duration.between(start, Instant.now());
  }
}
