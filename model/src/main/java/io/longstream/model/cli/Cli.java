package io.longstream.model.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Shared picocli set-up for every longstream command: bad input ends with exit code 2 and one line on
 * stderr (no stack trace), usage errors likewise, so scripts can rely on both.
 */
public final class Cli {

  /** Exit code for invalid arguments or input. */
  public static final int BAD_INPUT = 2;

  private Cli() {}

  /** A CommandLine for {@code command} with longstream's error conventions. */
  public static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println("error: " + oneLine(ex.getMessage()));
          return BAD_INPUT;
        });
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("error: " + oneLine(describe(ex)));
          err.flush();
          return BAD_INPUT;
        });
    return cli;
  }

  private static String describe(Throwable ex) {
    Throwable t = ex;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
