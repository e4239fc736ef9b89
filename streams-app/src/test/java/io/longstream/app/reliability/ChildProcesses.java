package io.longstream.app.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every JVM the harness starts, so that none outlives the test: each harness object kills its own process in
 * close(), and a shutdown hook of the test JVM kills whatever is left (a test JVM stopped by a timeout, a
 * failed assumption between start and try-with-resources).
 */
final class ChildProcesses {

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "kill-child-processes"));
  }

  private ChildProcesses() {}

  /** Starts {@code command} in {@code directory}, stdout and stderr appended to {@code log}. */
  static Process start(List<String> command, Path directory, Path log) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(directory.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Two OpenMP threads spinning on two cores stall each other (see bin/longstream).
    builder.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    try {
      Process process = builder.start();
      LIVE.add(process);
      process.onExit().thenRun(() -> LIVE.remove(process));
      return process;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  static void kill(Process process) {
    process.destroyForcibly();
    awaitExit(process, Duration.ofSeconds(30));
  }

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
  static void stop(Process process, Duration grace) {
    process.destroy();
    if (!awaitExit(process, grace)) {
      kill(process);
    }
  }

  private static boolean awaitExit(Process process, Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static void killAll() {
    LIVE.forEach(Process::destroyForcibly);
  }

  /** The java launcher of the running JVM. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** longstream.jar, built by `package` before failsafe runs (set by the POM; the default suits the IDE). */
  static Path longstreamJar() {
    Path jar = Path.of(System.getProperty("longstream.jar", "target/longstream.jar")).toAbsolutePath();
    if (!jar.toFile().isFile()) {
      throw new IllegalStateException(jar + " is missing: run `./mvnw -B package -DskipTests` first");
    }
    return jar;
  }
}
