package io.longstream.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/configuration.md lists every {@code longstream.*} property of the generated configuration metadata
 * (from the @ConfigurationProperties records and their Javadoc), each on a table row showing its default.
 */
class ConfigurationReferenceTest {

  private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

  @Test
  void shouldDocumentEveryLongstreamPropertyWithItsDefault() throws Exception {
    Map<String, String> properties = longstreamProperties();
    assertThat(properties).containsKeys("longstream.topics.input", "longstream.broker.data-dir", "longstream.summary.mmr-lambda");
    List<String> rows = Files.readAllLines(REFERENCE).stream().filter(l -> l.startsWith("| `longstream.")).toList();

    properties.forEach((name, defaultValue) -> {
      List<String> row = rows.stream().filter(r -> r.startsWith("| `" + name + "` |")).toList();
      assertThat(row).as("table row of %s in %s", name, REFERENCE).hasSize(1);
      if (!defaultValue.isEmpty()) {
        assertThat(row.get(0)).as("default of %s", name).contains("`" + defaultValue + "`");
      }
    });
    assertThat(rows).as("rows of properties that do not exist").hasSameSizeAs(properties.keySet());
  }

  /** name → default ("" when none) of every longstream.* property in the metadata on the class path. */
  private static Map<String, String> longstreamProperties() throws Exception {
    Map<String, String> properties = new TreeMap<>();
    JsonMapper json = JsonMapper.builder().build();
    for (URL url : Collections.list(ConfigurationReferenceTest.class.getClassLoader()
        .getResources("META-INF/spring-configuration-metadata.json"))) {
      try (InputStream in = url.openStream()) {
        for (JsonNode p : json.readTree(in).path("properties")) {
          String name = p.get("name").asString();
          if (name.startsWith("longstream.")) {
            JsonNode value = p.get("defaultValue");
            properties.put(name, value == null || value.isNull() ? "" : value.asString());
          }
        }
      }
    }
    return properties;
  }
}
