package io.longstream.app.reliability;

import io.longstream.schemas.Document;
import java.util.ArrayList;
import java.util.List;

/** Whether document text reached a log: a 40-character excerpt from the middle of each document is searched. */
final class LogSecrecy {

  private LogSecrecy() {}

  /** Ids of the documents whose excerpt occurs in {@code logs}. */
  static List<String> leaks(String logs, List<Document> documents) {
    List<String> leaked = new ArrayList<>();
    for (Document d : documents) {
      String text = d.getText();
      int middle = text.length() / 2;
      String excerpt = text.substring(Math.max(0, middle - 20), Math.min(text.length(), middle + 20));
      if (logs.contains(excerpt)) {
        leaked.add(d.getId());
      }
    }
    return leaked;
  }
}
