package io.longstream.app.health;

import io.longstream.app.config.LongstreamProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.utils.AppInfoParser;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** {@code /actuator/info}: component versions and the effective longstream settings. */
@Component
class LongstreamInfoContributor implements InfoContributor {

  private final LongstreamProperties properties;
  private final Environment environment;

  LongstreamInfoContributor(LongstreamProperties properties, Environment environment) {
    this.properties = properties;
    this.environment = environment;
  }

  @Override
  public void contribute(Info.Builder builder) {
    builder.withDetail("versions", versions());
    builder.withDetail("longstream", settings());
    builder.withDetail("kafka", Map.of(
        "bootstrapServers", environment.getProperty("spring.kafka.bootstrap-servers", "?"),
        "processingGuarantee", environment.getProperty("spring.kafka.streams.properties.processing.guarantee", "?")));
  }

  private static Map<String, String> versions() {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("longstream", versionOf(LongstreamInfoContributor.class));
    versions.put("java", Runtime.version().toString());
    versions.put("springBoot", SpringBootVersion.getVersion());
    versions.put("kafka", AppInfoParser.getVersion());
    versions.put("avro", versionOf(Schema.class));
    return versions;
  }

  private Map<String, Object> settings() {
    // The records print as name=value lists; structured maps keep the JSON readable.
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("topics", properties.topics());
    settings.put("model", properties.model());
    settings.put("streaming", properties.streaming());
    settings.put("diagnostics", properties.diagnostics());
    settings.put("limits", Map.of(
        "maxDocumentBytes", properties.limits().maxDocumentBytes().toBytes(),
        "maxTokens", properties.limits().maxTokens()));
    settings.put("dlq", properties.dlq());
    return settings;
  }

  private static String versionOf(Class<?> type) {
    String version = type.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
