package io.longstream.app.cli;

import io.longstream.model.cli.BenchCommand;
import io.longstream.model.cli.Cli;
import io.longstream.model.cli.EvalCommand;
import io.longstream.model.cli.ForwardCommand;
import io.longstream.model.cli.RopeCommand;
import io.longstream.model.cli.StreamCommand;
import io.longstream.model.cli.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
      DemoCommand.class,
      ServeCommand.class,
      PublishCommand.class,
      ConsumeCommand.class,
      BenchKafkaCommand.class,
      ForwardCommand.class,
      RopeCommand.class,
      StreamCommand.class,
      EvalCommand.class,
      TrainCommand.class,
      BenchCommand.class,
    })
public final class LongstreamCommand implements Runnable {

  @Spec private CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand");
  }

  /** A command line for {@code longstream} with longstream's one-line error handling. */
  public static CommandLine commandLine() {
    return Cli.commandLine(new LongstreamCommand());
  }
}
