package io.longstream.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.longstream.schemas.DeadLetter;
import io.longstream.schemas.Document;
import io.longstream.schemas.DocumentSummary;
import io.longstream.schemas.WindowEmbedding;
import io.longstream.schemas.WindowMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Evolution rule: every current schema is backward and forward compatible with every released version kept
 * in {@link SchemaHistory}, so old and new producers and consumers can be mixed during a rolling upgrade.
 */
class SchemaEvolutionTest {

  static Stream<Schema> currentSchemas() {
    return Stream.of(
        Document.getClassSchema(),
        WindowEmbedding.getClassSchema(),
        DocumentSummary.getClassSchema(),
        WindowMetrics.getClassSchema(),
        DeadLetter.getClassSchema());
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void shouldKeepEveryCurrentSchemaInTheHistory(Schema current) {
    List<Schema> history = SchemaHistory.versions(current.getName());

    assertThat(history).as("released versions of %s", current.getName()).isNotEmpty();
    // Same parsing form = same fingerprint: a changed schema must be released as a new history version.
    assertThat(SchemaNormalization.toParsingForm(history.get(history.size() - 1)))
        .as("latest released %s", current.getName())
        .isEqualTo(SchemaNormalization.toParsingForm(current));
  }

  @ParameterizedTest
  @MethodSource("currentSchemas")
  void shouldBeBackwardAndForwardCompatibleWithEveryReleasedVersion(Schema current) {
    for (Schema released : SchemaHistory.versions(current.getName())) {
      assertThat(incompatibilities(current, released)).isEmpty();
    }
  }

  @Test
  void shouldCatchANewRequiredFieldWithoutDefault() throws IOException {
    Schema broken = parse("/incompatible/Document-required-field.avsc");

    assertThat(incompatibilities(broken, SchemaHistory.versions("Document").get(0)))
        .singleElement()
        .asString()
        .contains("reader=new", "READER_FIELD_MISSING_DEFAULT", "language");
  }

  @Test
  void shouldCatchAChangedFieldTypeInBothDirections() throws IOException {
    Schema broken = parse("/incompatible/WindowEmbedding-narrowed-type.avsc");

    assertThat(incompatibilities(broken, SchemaHistory.versions("WindowEmbedding").get(0)))
        .hasSize(2)
        .allSatisfy(problem -> assertThat(problem).contains("TYPE_MISMATCH", "/fields/2/type"));
  }

  /** Problems reading old data with the new schema (backward) and new data with the old one (forward). */
  static List<String> incompatibilities(Schema current, Schema released) {
    List<String> problems = new ArrayList<>();
    check("reader=new, writer=old", SchemaCompatibility.checkReaderWriterCompatibility(current, released), problems);
    check("reader=old, writer=new", SchemaCompatibility.checkReaderWriterCompatibility(released, current), problems);
    return problems;
  }

  private static void check(String direction, SchemaPairCompatibility result, List<String> problems) {
    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
      result.getResult().getIncompatibilities().forEach(i -> problems.add(direction + ": " + i.getType() + " at "
          + i.getLocation() + " (" + i.getMessage() + ")"));
    }
  }

  private static Schema parse(String resource) throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }
}
