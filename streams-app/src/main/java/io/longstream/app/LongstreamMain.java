package io.longstream.app;

import io.longstream.app.cli.LongstreamCommand;

/** Entry point of {@code longstream.jar} and {@code bin/longstream}: runs the {@code longstream} command. */
public final class LongstreamMain {

  private static final String LOGBACK_CONFIG = "logback.configurationFile";

  private LongstreamMain() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    if (!isServe(args) && System.getProperty(LOGBACK_CONFIG) == null) {
      // Before any logger exists: client commands print data on stdout, so their logs must not go there.
      System.setProperty(LOGBACK_CONFIG, "longstream-cli-logback.xml");
    }
    System.exit(LongstreamCommand.commandLine().execute(args));
  }

  private static boolean isServe(String[] args) {
    return args.length > 0 && args[0].equals("serve");
  }
}
