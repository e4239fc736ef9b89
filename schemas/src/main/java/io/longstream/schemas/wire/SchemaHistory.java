package io.longstream.schemas.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The released versions of each schema, kept as resources {@code io/longstream/schemas/history/vN/Name.avsc}
 * (v1, v2, ... without gaps). Decoders register them as writer schemas, so records written by older
 * producers still decode; the compatibility tests check every new version against all of them.
 */
public final class SchemaHistory {

  private static final String ROOT = "/io/longstream/schemas/history/v";

  private SchemaHistory() {}

  /** Every released version of the record named {@code simpleName}, oldest first. */
  public static List<Schema> versions(String simpleName) {
    List<Schema> versions = new ArrayList<>();
    for (int v = 1; ; v++) {
      Schema schema = load(ROOT + v + "/" + simpleName + ".avsc");
      if (schema == null) {
        return versions;
      }
      versions.add(schema);
    }
  }

  private static Schema load(String resource) {
    try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
      return in == null ? null : new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema history " + resource, e);
    }
  }
}
