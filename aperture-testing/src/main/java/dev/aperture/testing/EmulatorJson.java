package dev.aperture.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.ThreadLocalRandom;

/** The emulator's one JSON mapper and the few JSON chores every wire shape shares. */
final class EmulatorJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  /** Bedrock pads event payloads with a field {@code p} holding a prefix of this. */
  private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";

  private EmulatorJson() {}

  /** The JSON value in {@code text}; an {@link IllegalArgumentException} if it is not JSON. */
  static JsonNode parse(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("no JSON value in the text");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Compact JSON text for {@code node}. */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serialises", e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code node} with Bedrock's random-length padding field {@code p} added last. */
  static ObjectNode padded(ObjectNode node) {
    int length = 1 + ThreadLocalRandom.current().nextInt(PADDING.length());
    node.put("p", PADDING.substring(0, length));
    return node;
  }

  /** {@code {"message": message}}, the body of a modelled error and of an exception frame. */
  static String message(String message) {
    ObjectNode body = object();
    body.put("message", message);
    return write(body);
  }
}
