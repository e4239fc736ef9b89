package io.longstream.app.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One longstream service as a separate JVM ({@code java -jar longstream.jar serve}) against an external
 * broker, on a free HTTP port, with its own Kafka Streams state directory. Every (re)start writes a new log
 * file ({@code service-N.log}) so logs of killed runs stay readable. {@link #kill()} is SIGKILL: no shutdown
 * hook, no transaction abort, no LeaveGroup.
 */
final class ServiceProcess implements AutoCloseable {

  static final String PASSWORD = "reliability-secret";

  /** C1 only and a serial GC: the JVM starts twice as fast on 2 cores; the model's time is in libtorch. */
  private static final List<String> JVM_FLAGS =
      List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dai.djl.offline=true");

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final String name;
  private final Path dir;
  private final int port;
  private final Map<String, String> properties;
  private final List<Path> logs = new ArrayList<>();
  private List<String> jvmFlags = JVM_FLAGS;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  private ServiceProcess(String name, Path dir, Map<String, String> properties) {
    this.name = name;
    this.dir = dir;
    this.port = BrokerProcess.freePort();
    this.properties = properties;
  }

  /**
   * A service named {@code name} (its directory under {@code root}) using {@code bootstrap}; {@code extra}
   * Spring properties come after the harness's own and override them.
   */
  static ServiceProcess create(Path root, String name, String bootstrap, Map<String, String> extra) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spring.kafka.bootstrap-servers", bootstrap);
    props.put("server.port", "0"); // replaced below
    props.put("spring.kafka.streams.state-dir", root.resolve(name).resolve("streams").toString());
    props.put("spring.security.user.password", PASSWORD);
    props.putAll(extra);
    ServiceProcess service = new ServiceProcess(name, root.resolve(name), props);
    props.put("server.port", String.valueOf(service.port));
    return service;
  }

  String name() {
    return name;
  }

  /** JVM flags instead of the harness's start-up-friendly ones (the soak measures the default JIT). */
  ServiceProcess jvmFlags(List<String> flags) {
    this.jvmFlags = List.copyOf(flags);
    return this;
  }

  /** Resident set size of the service JVM (heap, libtorch, RocksDB and all), from /proc. */
  long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("no VmRSS for " + process.pid());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Heap in use right after a full GC (jcmd GC.run), from /actuator/metrics. */
  double heapAfterGc() {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      new ProcessBuilder(jcmd.toString(), String.valueOf(process.pid()), "GC.run")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return metric("jvm.memory.used?tag=area:heap");
  }

  /** Starts the JVM (again); returns at once. */
  ServiceProcess start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " already running");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.add(ChildProcesses.java());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", ChildProcesses.longstreamJar().toString(), "serve"));
    properties.forEach((key, value) -> command.add("--" + key + "=" + value));
    Path log = dir.resolve("service-" + (logs.size() + 1) + ".log");
    logs.add(log);
    process = ChildProcesses.start(command, dir, log);
    return this;
  }

  /** Waits until health is UP with Kafka Streams RUNNING; fails with the log tail if the JVM exits. */
  ServiceProcess awaitRunning(Duration timeout) {
    awaitHealth(h -> h.up() && "RUNNING".equals(h.streamsState()), timeout, "UP and RUNNING");
    return this;
  }

  /** Waits until {@code condition} holds for the health; fails if the JVM exits first. */
  Health awaitHealth(Predicate<Health> condition, Duration timeout, String what) {
    Instant deadline = Instant.now().plus(timeout);
    Health last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited (" + process.exitValue() + ") waiting for " + what + ":\n" + logTail());
      }
      last = health();
      if (condition.test(last)) {
        return last;
      }
      sleep(Duration.ofMillis(250));
    }
    throw new IllegalStateException(name + " not " + what + " within " + timeout + " (last " + last + "):\n" + logTail());
  }

  /** The authenticated /actuator/health, or status UNREACHABLE when nothing answers. */
  Health health() {
    try {
      HttpResponse<String> response = get("/actuator/health");
      JsonNode body = JSON.readTree(response.body());
      JsonNode streams = body.path("components").path("kafkaStreams").path("details");
      List<String> tasks = new ArrayList<>();
      streams.path("activeTasks").forEach(t -> tasks.add(t.asString()));
      return new Health(body.path("status").asString("?"), streams.path("state").asString("?"), tasks);
    } catch (IOException | RuntimeException e) {
      return new Health("UNREACHABLE", "?", List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Health("UNREACHABLE", "?", List.of());
    }
  }

  /** Unauthenticated status code and body of {@code path}. */
  HttpResponse<String> getAnonymous(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Value of a counter or gauge from /actuator/metrics (0 when absent). */
  double metric(String meter) {
    try {
      HttpResponse<String> response = get("/actuator/metrics/" + meter);
      if (response.statusCode() != 200) {
        return 0;
      }
      return JSON.readTree(response.body()).path("measurements").get(0).path("value").asDouble();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Exit code of the last run (which must have ended). */
  int exitCode() {
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL. */
  void kill() {
    ChildProcesses.kill(process);
  }

  /** SIGTERM: Spring closes Kafka Streams (commit or abort, leave the group), then the JVM exits. */
  void stop() {
    ChildProcesses.stop(process, Duration.ofSeconds(60));
  }

  /** Logs of every run so far, concatenated. */
  String logs() {
    StringBuilder all = new StringBuilder();
    for (Path log : logs) {
      try {
        all.append(Files.readString(log, UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all.toString();
  }

  String logTail() {
    return logs.isEmpty() ? "" : BrokerProcess.tail(logs.get(logs.size() - 1));
  }

  @Override
  public void close() {
    if (process != null) {
      ChildProcesses.kill(process);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    String credentials = Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri(path))
        .header("Authorization", "Basic " + credentials)
        .timeout(Duration.ofSeconds(10))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What /actuator/health said.
   *
   * @param status overall status (UP, DOWN...), or UNREACHABLE
   * @param streamsState the Kafka Streams client state, or "?"
   * @param activeTasks the Kafka Streams tasks this instance runs (one per input partition)
   */
  record Health(String status, String streamsState, List<String> activeTasks) {
    boolean up() {
      return "UP".equals(status);
    }
  }
}
