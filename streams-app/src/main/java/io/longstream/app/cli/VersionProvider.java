package io.longstream.app.cli;

import org.apache.kafka.common.utils.AppInfoParser;
import org.springframework.boot.SpringBootVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code longstream --version}: the build and the versions it runs on. */
final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {
      "longstream " + (version == null ? "dev" : version),
      "Java " + Runtime.version() + ", Spring Boot " + SpringBootVersion.getVersion() + ", Kafka " + AppInfoParser.getVersion()
    };
  }
}
