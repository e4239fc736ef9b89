package io.longstream.model.cli;

import java.util.ArrayList;
import java.util.List;

/** Parses token id lists written as numbers separated by commas and/or whitespace. */
public final class TokenIds {

  private TokenIds() {}

  /**
   * @throws IllegalArgumentException on an empty list, a non-integer, a negative id, or an id ≥ {@code
   *     vocabSize}
   */
  public static long[] parse(String text, int vocabSize) {
    List<Long> ids = new ArrayList<>();
    for (String part : text.trim().split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      long id;
      try {
        id = Long.parseLong(part);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("token id '" + part + "' is not an integer");
      }
      if (id < 0 || id >= vocabSize) {
        throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ")");
      }
      ids.add(id);
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("the token list is empty");
    }
    return ids.stream().mapToLong(Long::longValue).toArray();
  }
}
