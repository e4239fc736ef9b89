package io.longstream.app.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code longstream} command run by {@code bin/longstream} and {@code java -jar longstream.jar}.
 * Errors are one line on stderr: bad arguments exit with 2, failures while running with 1.
 *
 * <p>Subcommands are registered in the one list of the {@link Command#subcommands()} attribute below; the
 * model's commands (io.longstream.model.cli: forward, rope, stream...) are added there as well.
 */
@Command(
    name = "longstream",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Long documents through a transformer in windows, over Kafka.",
    subcommands = {
      ServeCommand.class,
      PublishCommand.class,
      ConsumeCommand.class,
    })
public final class LongstreamCommand implements Runnable {

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** A command line for {@code longstream} with longstream's one-line error handling. */
  public static CommandLine commandLine() {
    return new CommandLine(new LongstreamCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(badArguments())
        .setExecutionExceptionHandler(failure());
  }

  private static IParameterExceptionHandler badArguments() {
    return (e, args) -> {
      CommandLine command = e.getCommandLine();
      command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage()
          + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
      return command.getCommandSpec().exitCodeOnInvalidInput();
    };
  }

  private static IExecutionExceptionHandler failure() {
    return (e, command, parseResult) -> {
      PrintWriter err = command.getErr();
      err.println(command.getCommandSpec().qualifiedName() + ": " + rootMessage(e));
      return command.getCommandSpec().exitCodeOnExecutionException();
    };
  }

  /** The message of the first exception that is not a mere wrapper (ExecutionException and the like). */
  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && (cause.getMessage() == null || isWrapper(cause))) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  private static boolean isWrapper(Throwable e) {
    return e instanceof java.util.concurrent.ExecutionException
        || e instanceof java.util.concurrent.CompletionException
        || e instanceof java.io.UncheckedIOException
        || e instanceof java.lang.reflect.UndeclaredThrowableException;
  }
}
