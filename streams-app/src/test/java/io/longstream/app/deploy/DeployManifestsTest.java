package io.longstream.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Structural checks of everything under {@code deploy/}: the compose file, the Kubernetes manifests, the
 * Grafana dashboard and the CUDA Dockerfile. No Docker engine or cluster needed: files are parsed with
 * SnakeYAML (JSON is YAML too) and cross-checked against each other, so that a topic, a partition count, an
 * application id or a metric name cannot drift between them.
 */
class DeployManifestsTest {

  /** Partitions of the input topic: the parallelism limit, and so the replica cap. */
  private static final int INPUT_PARTITIONS = 6;

  /**
   * Micrometer meters the dashboard may use, as Prometheus names. The longstream ones are the service's
   * (issue 4); kafka_* come from the auto-configured Kafka Streams client metrics.
   */
  static final Set<String> LONGSTREAM_METRICS = Set.of(
      "longstream_documents_total",
      "longstream_windows_total",
      "longstream_tokens_total",
      "longstream_window_latency_seconds",
      "longstream_window_perplexity",
      "longstream_sink_attention_mass",
      "longstream_dlq_records_total");

  private static final Path DEPLOY = findDeployDirectory();

  @Nested
  class Compose {

    private final Map<String, Object> compose = yaml(DEPLOY.resolve("compose/docker-compose.yml"));
    private final Map<String, Object> services = map(compose.get("services"));

    @Test
    void shouldDefineBrokerTopicsTwoInstancesAndMonitoring() {
      assertThat(services).containsKeys("kafka", "kafka-init", "longstream-1", "longstream-2", "prometheus", "grafana");
      assertThat(string(map(map(services.get("kafka")).get("environment")).get("KAFKA_PROCESS_ROLES")))
          .isEqualTo("broker,controller");
      assertThat(string(map(services.get("kafka")).get("image"))).startsWith("apache/kafka:");
    }

    @Test
    void shouldCreateEveryTopicTheInstancesUseAndTheInputWithSixPartitions() {
      Map<String, Object> env = environment("longstream-1");
      Map<String, Integer> created = createdTopics();
      for (String key : List.of("INPUT", "WINDOWS", "SUMMARIES", "METRICS", "DLQ")) {
        assertThat(created).containsKey(string(env.get("LONGSTREAM_TOPICS_" + key)));
      }
      assertThat(created.get(string(env.get("LONGSTREAM_TOPICS_INPUT")))).isEqualTo(INPUT_PARTITIONS);
      assertThat(Integer.parseInt(string(env.get("LONGSTREAM_TOPICS_PARTITIONS")))).isEqualTo(INPUT_PARTITIONS);
    }

    @Test
    void shouldStartInstancesOnlyAfterTopicCreationSucceeded() {
      for (String instance : List.of("longstream-1", "longstream-2")) {
        Map<String, Object> dependsOn = map(map(services.get(instance)).get("depends_on"));
        assertThat(map(dependsOn.get("kafka-init"))).containsEntry("condition", "service_completed_successfully");
      }
    }

    @Test
    void shouldShareTheApplicationIdButNotTheStateDirectory() {
      Map<String, Object> one = environment("longstream-1");
      Map<String, Object> two = environment("longstream-2");
      assertThat(one.get("SPRING_KAFKA_STREAMS_APPLICATION_ID"))
          .isNotNull()
          .isEqualTo(two.get("SPRING_KAFKA_STREAMS_APPLICATION_ID"));
      assertThat(one.get("SPRING_KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
      assertThat(stateVolume("longstream-1")).isNotEqualTo(stateVolume("longstream-2"));
    }

    @Test
    void shouldScrapeBothInstancesWithTheActuatorCredentials() {
      Map<String, Object> job = scrapeJob();
      assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
      List<Object> targets = list(map(list(job.get("static_configs")).get(0)).get("targets"));
      assertThat(targets).containsExactlyInAnyOrder("longstream-1:8080", "longstream-2:8080");
      Map<String, Object> auth = map(job.get("basic_auth"));
      assertThat(auth.get("username")).isEqualTo("admin");
      // Prometheus reads the same secret file the instances read as spring.security.user.password.
      assertThat(auth.get("password_file")).isEqualTo("/run/secrets/actuator_password");
      assertThat(list(map(services.get("prometheus")).get("secrets"))).contains("actuator_password");
      assertThat(map(list(map(services.get("longstream-1")).get("secrets")).get(0)))
          .containsEntry("source", "actuator_password")
          .containsEntry("target", "spring.security.user.password");
    }

    @Test
    void shouldProvisionGrafanaWithTheDashboardAndThePrometheusDatasource() {
      List<Object> volumes = list(map(services.get("grafana")).get("volumes"));
      assertThat(volumes).anyMatch(v -> string(v).startsWith("../grafana/longstream-dashboard.json:"));
      Map<String, Object> datasources = yaml(DEPLOY.resolve("compose/grafana/provisioning/datasources/prometheus.yml"));
      assertThat(map(list(datasources.get("datasources")).get(0))).containsEntry("uid", "prometheus");
      for (Object volume : volumes) {
        assertHostPathExists(string(volume));
      }
    }

    @Test
    void shouldMountOnlyFilesThatExist() {
      for (String service : services.keySet()) {
        for (Object volume : list(map(services.get(service)).getOrDefault("volumes", List.of()))) {
          assertHostPathExists(string(volume));
        }
      }
      for (Object secret : map(compose.get("secrets")).values()) {
        assertThat(DEPLOY.resolve("compose").resolve(string(map(secret).get("file")))).isRegularFile();
      }
    }

    private Map<String, Integer> createdTopics() {
      List<Object> command = list(at(services, "kafka-init", "command"));
      String script = String.join("\n", command.stream().map(DeployManifestsTest::string).toList());
      Pattern create = Pattern.compile("--topic (\\S+) --partitions (\\d+)");
      Map<String, Integer> topics = new LinkedHashMap<>();
      Matcher m = create.matcher(script);
      while (m.find()) {
        topics.put(m.group(1), Integer.parseInt(m.group(2)));
      }
      return topics;
    }

    private Map<String, Object> environment(String service) {
      return map(map(services.get(service)).get("environment"));
    }

    private String stateVolume(String service) {
      String stateDir = string(environment(service).get("SPRING_KAFKA_STREAMS_STATE_DIR"));
      return list(map(services.get(service)).get("volumes")).stream()
          .map(DeployManifestsTest::string)
          .filter(v -> stateDir.startsWith(v.split(":")[1]))
          .map(v -> v.split(":")[0])
          .findFirst()
          .orElseThrow(() -> new AssertionError(service + " has no volume holding " + stateDir));
    }

    private Map<String, Object> scrapeJob() {
      Map<String, Object> prometheus = yaml(DEPLOY.resolve("compose/prometheus.yml"));
      return list(prometheus.get("scrape_configs")).stream()
          .map(DeployManifestsTest::map)
          .filter(job -> "longstream".equals(job.get("job_name")))
          .findFirst()
          .orElseThrow();
    }

    private void assertHostPathExists(String volume) {
      String source = volume.split(":")[0];
      if (source.startsWith(".")) {
        assertThat(DEPLOY.resolve("compose").resolve(source).normalize()).exists();
      }
    }
  }

  @Nested
  class Kubernetes {

    private final List<Map<String, Object>> objects = kubernetesObjects();

    @Test
    void shouldGiveEveryObjectApiVersionKindAndName() {
      assertThat(objects).hasSizeGreaterThanOrEqualTo(9);
      for (Map<String, Object> object : objects) {
        assertThat(object).containsKeys("apiVersion", "kind");
        if (!"Kustomization".equals(object.get("kind"))) {
          assertThat(name(object)).as("metadata.name of %s", object.get("kind")).isNotBlank();
        }
      }
    }

    @Test
    void shouldListOnlyExistingFilesInKustomizations() throws IOException {
      try (Stream<Path> files = Files.walk(DEPLOY.resolve("k8s"))) {
        for (Path file : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
          Map<String, Object> kustomization = yaml(file);
          for (Object resource : list(kustomization.getOrDefault("resources", List.of()))) {
            assertThat(file.getParent().resolve(string(resource))).exists();
          }
          for (Object patch : list(kustomization.getOrDefault("patches", List.of()))) {
            assertThat(file.getParent().resolve(string(map(patch).get("path")))).isRegularFile();
          }
        }
      }
    }

    @Test
    void shouldProbeTheActuatorHealthGroups() {
      Map<String, Object> container = container(workload());
      assertThat(probePath(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
      assertThat(probePath(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
      assertThat(probePath(container, "startupProbe")).startsWith("/actuator/health/");
      Map<String, Object> health = map(at(applicationYml(), "management", "endpoint", "health"));
      assertThat(map(health.get("probes"))).containsEntry("enabled", true);
      assertThat(map(health.get("group"))).containsKeys("liveness", "readiness");
    }

    @Test
    void shouldRequestAndLimitResources() {
      Map<String, Object> resources = map(container(workload()).get("resources"));
      assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
      assertThat(map(resources.get("limits"))).containsKey("memory");
    }

    @Test
    void shouldKeepStateDirectoriesOnVolumeClaims() {
      Map<String, Object> spec = map(workload().get("spec"));
      String claim = string(map(map(list(spec.get("volumeClaimTemplates")).get(0)).get("metadata")).get("name"));
      String stateDir = string(at(applicationYml(), "spring", "kafka", "streams", "state-dir"));
      assertThat(list(container(workload()).get("volumeMounts")).stream().map(DeployManifestsTest::map))
          .anyMatch(mount -> mount.get("name").equals(claim) && stateDir.startsWith(string(mount.get("mountPath"))));
    }

    @Test
    void shouldCapAutoscalingAtTheInputPartitionsAndWatchTheApplicationsLag() {
      Map<String, Object> scaledObject = object("ScaledObject");
      Map<String, Object> spec = map(scaledObject.get("spec"));
      Map<String, Object> longstream = map(applicationYml().get("longstream"));
      int partitions = (Integer) map(longstream.get("topics")).get("partitions");
      assertThat(partitions).isEqualTo(INPUT_PARTITIONS);
      assertThat(spec.get("maxReplicaCount")).isEqualTo(partitions);
      assertThat(map(spec.get("scaleTargetRef")))
          .containsEntry("kind", "StatefulSet")
          .containsEntry("name", name(workload()));
      Map<String, Object> trigger = map(list(spec.get("triggers")).get(0));
      Map<String, Object> metadata = map(trigger.get("metadata"));
      assertThat(trigger.get("type")).isEqualTo("kafka");
      assertThat(metadata.get("topic")).isEqualTo(map(longstream.get("topics")).get("input"));
      Map<String, Object> streams = map(at(applicationYml(), "spring", "kafka", "streams"));
      assertThat(metadata.get("consumerGroup")).isEqualTo(streams.get("application-id"));
      assertThat(metadata.get("allowIdleConsumers")).isEqualTo("false");
    }

    @Test
    void shouldSelectTheWorkloadsPodsInTheDisruptionBudget() {
      Map<String, Object> selector = map(at(object("PodDisruptionBudget"), "spec", "selector", "matchLabels"));
      Map<String, Object> workloadSpec = map(workload().get("spec"));
      assertThat(selector).isEqualTo(map(map(workloadSpec.get("selector")).get("matchLabels")));
      assertThat(map(at(workloadSpec, "template", "metadata", "labels"))).containsAllEntriesOf(selector);
      assertThat(map(map(object("Service").get("spec")).get("selector"))).isEqualTo(selector);
    }

    @Test
    void shouldReadSecretsOnlyFromTheDeclaredSecret() {
      Map<String, Object> secret = object("Secret", "longstream-secrets");
      Set<String> keys = map(secret.get("stringData")).keySet();
      for (Object variable : list(container(workload()).get("env"))) {
        Object valueFrom = map(variable).get("valueFrom");
        Object ref = valueFrom == null ? null : map(valueFrom).get("secretKeyRef");
        if (ref != null) {
          assertThat(map(ref).get("name")).isEqualTo(name(secret));
          assertThat(keys).contains(string(map(ref).get("key")));
        }
      }
      for (Object ref : list(map(object("TriggerAuthentication").get("spec")).get("secretTargetRef"))) {
        assertThat(keys).contains(string(map(ref).get("key")));
      }
    }

    @Test
    void shouldRequestAGpuOnTheGpuNodePoolInTheGpuOverlay() {
      Map<String, Object> patch = yaml(DEPLOY.resolve("k8s/overlays/gpu/statefulset-gpu.yaml"));
      assertThat(name(patch)).isEqualTo(name(workload()));
      Map<String, Object> podSpec = map(at(patch, "spec", "template", "spec"));
      Map<String, Object> container = map(list(podSpec.get("containers")).get(0));
      assertThat(map(map(container.get("resources")).get("limits"))).containsEntry("nvidia.com/gpu", 1);
      assertThat(list(podSpec.get("tolerations"))).anyMatch(t -> "nvidia.com/gpu".equals(map(t).get("key")));
      assertThat(map(podSpec.get("nodeSelector"))).isNotEmpty();
      assertThat(list(container.get("env")))
          .anyMatch(e -> "LONGSTREAM_MODEL_DEVICE".equals(map(e).get("name")) && "gpu".equals(map(e).get("value")));
    }

    private Map<String, Object> workload() {
      return object("StatefulSet", "longstream");
    }

    private Map<String, Object> applicationYml() {
      Map<String, Object> configMap = object("ConfigMap", "longstream-config");
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(string(at(configMap, "data", "application.yml")));
    }

    private Map<String, Object> object(String kind) {
      return objects.stream()
          .filter(o -> kind.equals(o.get("kind")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind));
    }

    private Map<String, Object> object(String kind, String name) {
      return objects.stream()
          .filter(o -> kind.equals(o.get("kind")) && name.equals(name(o)))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }
  }

  @Nested
  class Dashboard {

    private final Map<String, Object> dashboard = yaml(DEPLOY.resolve("grafana/longstream-dashboard.json"));

    @Test
    void shouldQueryOnlyMetricsTheServiceExposes() {
      for (String expr : expressions()) {
        for (String metric : metricNames(expr)) {
          assertThat(isKnownMetric(metric)).as("metric %s in %s", metric, expr).isTrue();
        }
      }
    }

    @Test
    void shouldChartThroughputLatencyPerplexitySinkMassDlqAndLag() {
      Set<String> used = expressions().stream().flatMap(e -> metricNames(e).stream()).collect(Collectors.toSet());
      assertThat(used).contains(
          "longstream_documents_total",
          "longstream_tokens_total",
          "longstream_window_latency_seconds_bucket",
          "longstream_window_perplexity_sum",
          "longstream_sink_attention_mass_sum",
          "longstream_dlq_records_total",
          "kafka_consumer_fetch_manager_records_lag");
      assertThat(String.join("\n", expressions())).contains("histogram_quantile(0.95", "by (position_bucket)");
    }

    @Test
    void shouldUseTheProvisionedDatasourceEverywhere() {
      for (Object panel : list(dashboard.get("panels"))) {
        assertThat(map(map(panel).get("datasource"))).containsEntry("uid", "prometheus");
        assertThat(map(map(panel).get("gridPos"))).containsKeys("x", "y", "w", "h");
      }
    }

    private List<String> expressions() {
      List<String> expressions = new ArrayList<>();
      for (Object panel : list(dashboard.get("panels"))) {
        for (Object target : list(map(panel).get("targets"))) {
          expressions.add(string(map(target).get("expr")));
        }
      }
      assertThat(expressions).isNotEmpty();
      return expressions;
    }
  }

  @Test
  void shouldPointTheCudaImageAtAJniFlavourThatPytorchJniShips() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("docker/Dockerfile.cuda"));
    String flavor = envValue(dockerfile, "PYTORCH_FLAVOR");
    String version = envValue(dockerfile, "PYTORCH_VERSION");
    assertThat(envValue(dockerfile, "PYTORCH_LIBRARY_PATH")).isNotBlank();
    assertThat(dockerfile).contains("-Dai.djl.offline=true").contains("libtorch-").contains(version + "%2B" + flavor);
    ClassLoader loader = DeployManifestsTest.class.getClassLoader();
    Properties jni = new Properties();
    InputStream properties = loader.getResourceAsStream("jnilib/pytorch.properties");
    try (InputStream in = Objects.requireNonNull(properties, "pytorch-jni on the test classpath")) {
      jni.load(in);
    }
    assertThat(jni.getProperty("jni_version")).startsWith(version + "-");
    assertThat(loader.getResource("jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"))
        .as("JNI for flavour %s", flavor)
        .isNotNull();
  }

  /** Metric names in a PromQL expression: identifiers outside label matchers, ranges, strings and groupings. */
  static Set<String> metricNames(String expr) {
    String stripped = expr
        .replaceAll("\"[^\"]*\"", "")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\()?").matcher(stripped);
    while (m.find()) {
      boolean function = m.group(2) != null;
      if (!function && !Set.of("and", "or", "unless", "bool", "offset").contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static boolean isKnownMetric(String name) {
    String base = name.replaceFirst("_(bucket|sum|count|max)$", "");
    return name.startsWith("kafka_") || LONGSTREAM_METRICS.contains(name) || LONGSTREAM_METRICS.contains(base);
  }

  @Test
  void shouldFindMetricNamesButNotFunctionsLabelsOrRanges() {
    String quantile = "histogram_quantile(0.95, sum by (le) (rate(a_bucket{instance=~\"$x\"}[$__rate_interval])))";
    assertThat(metricNames(quantile))
        .containsExactly("a_bucket");
    assertThat(metricNames("sum(rate(a_sum[5m])) / sum(rate(a_count[5m])) and on(instance) b"))
        .containsExactly("a_sum", "a_count", "b");
  }

  private static String envValue(String dockerfile, String name) {
    Matcher m = Pattern.compile("\\b" + name + "=(\\S+)").matcher(dockerfile);
    assertThat(m.find()).as("%s in Dockerfile.cuda", name).isTrue();
    return m.group(1);
  }

  private static List<Map<String, Object>> kubernetesObjects() {
    List<Map<String, Object>> objects = new ArrayList<>();
    try (Stream<Path> files = Files.walk(DEPLOY.resolve("k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
            if (document != null) {
              objects.add(map(document));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return objects;
  }

  private static Map<String, Object> container(Map<String, Object> workload) {
    Map<String, Object> podSpec = map(at(workload, "spec", "template", "spec"));
    return map(list(podSpec.get("containers")).get(0));
  }

  private static String probePath(Map<String, Object> container, String probe) {
    Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
    assertThat(httpGet.get("port")).isEqualTo(map(list(container.get("ports")).get(0)).get("name"));
    return string(httpGet.get("path"));
  }

  /** The value at a path of map keys. */
  private static Object at(Map<String, Object> root, String... keys) {
    Object value = root;
    for (String key : keys) {
      value = map(value).get(key);
    }
    return value;
  }

  private static String name(Map<String, Object> object) {
    return string(map(object.get("metadata")).get("name"));
  }

  private static Map<String, Object> yaml(Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<Object>) value;
  }

  private static String string(Object value) {
    assertThat(value).isNotNull();
    return value.toString();
  }

  /** deploy/ of the repository: tests run in streams-app/, the IDE may run them from the root. */
  private static Path findDeployDirectory() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/compose/docker-compose.yml"))) {
        return dir.resolve("deploy");
      }
    }
    throw new IllegalStateException("deploy/ not found above " + Path.of("").toAbsolutePath());
  }
}
