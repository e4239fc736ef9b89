package io.longstream.model.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The error conventions of every longstream command: one line on stderr naming the command, never a stack
 * trace; exit code 2 for bad arguments or bad input (an {@link IllegalArgumentException} anywhere in the
 * cause chain: a missing file, invalid JSON, an unknown rope type, a token id outside the vocabulary),
 * 1 for any other failure while running (an unreachable broker, an engine fault).
 */
public final class Cli {

  /** Exit code for invalid arguments or input. */
  public static final int BAD_INPUT = 2;

  /** Exit code for a failure that is not the caller's input. */
  public static final int FAILURE = 1;

  private Cli() {}

  /** A CommandLine for {@code command} with longstream's error conventions. */
  public static CommandLine commandLine(Object command) {
    return new CommandLine(command)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(
            (ex, args) -> {
              CommandSpec spec = ex.getCommandLine().getCommandSpec();
              ex.getCommandLine().getErr().println(
                  spec.qualifiedName() + ": " + oneLine(ex.getMessage()) + " (see '" + spec.qualifiedName() + " --help')");
              return BAD_INPUT;
            })
        .setExecutionExceptionHandler(
            (ex, commandLine, parseResult) -> {
              commandLine.getErr().println(commandLine.getCommandSpec().qualifiedName() + ": " + oneLine(describe(ex)));
              commandLine.getErr().flush();
              return isBadInput(ex) ? BAD_INPUT : FAILURE;
            });
  }

  private static boolean isBadInput(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }

  /** The innermost message (wrappers such as UncheckedIOException repeat or hide it). */
  private static String describe(Throwable ex) {
    String message = null;
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
      if (t instanceof IllegalArgumentException && t.getMessage() != null) {
        return t.getMessage();
      }
    }
    return message == null ? ex.getClass().getSimpleName() : message;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
