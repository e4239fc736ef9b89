package io.longstream.model.cli;

import picocli.CommandLine.Option;

/** --stages, for the commands that stream a document. */
public final class StagesOption {

  @Option(
      names = "--stages",
      defaultValue = "0",
      description = "layer-pipeline stages: each window's layers split over this many threads so that consecutive windows overlap; 0 = one per thread on a CPU, 1 on a GPU (default: ${DEFAULT-VALUE})")
  int stages;
}
