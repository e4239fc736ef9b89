package io.longstream.schemas.wire;

import org.apache.avro.specific.AvroGenerated;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;

/**
 * Makes Avro 1.12.2's class-trust check accept longstream's generated classes.
 *
 * <p>Avro 1.12.2 refuses to instantiate classes named by a schema unless they are trusted (a defence against
 * gadget classes in untrusted data). We trust exactly the {@link AvroGenerated} classes of {@code
 * io.longstream.schemas}, on top of whatever was trusted before, instead of the global {@code
 * org.apache.avro.SERIALIZABLE_PACKAGES} system property that must be set before Avro loads.
 */
public final class AvroClassTrust {

  private static final String PACKAGE = "io.longstream.schemas";
  private static boolean installed;

  private AvroClassTrust() {}

  /** Adds the trust rule once per JVM; later calls do nothing. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(previous, AvroClassTrust::isLongstreamGenerated));
    installed = true;
  }

  static boolean isLongstreamGenerated(Class<?> type) {
    return type.getPackageName().equals(PACKAGE) && type.isAnnotationPresent(AvroGenerated.class);
  }
}
