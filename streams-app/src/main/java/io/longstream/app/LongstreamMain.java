package io.longstream.app;

import io.longstream.app.cli.LongstreamCommand;

/** Entry point of {@code longstream.jar} and {@code bin/longstream}: runs the {@code longstream} command. */
public final class LongstreamMain {

  private LongstreamMain() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(LongstreamCommand.commandLine().execute(args));
  }
}
