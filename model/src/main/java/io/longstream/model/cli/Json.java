package io.longstream.model.cli;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the command-line tools. */
public final class Json {

  public static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}
}
