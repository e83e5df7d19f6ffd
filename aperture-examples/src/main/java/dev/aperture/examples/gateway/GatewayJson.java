package dev.aperture.examples.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** The gateway's one JSON mapper: writes its own answers (lists, sessions, errors). */
final class GatewayJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private GatewayJson() {}

  /** {@code node} as UTF-8 JSON bytes. */
  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
