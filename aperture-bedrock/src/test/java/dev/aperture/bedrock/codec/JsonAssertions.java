package dev.aperture.bedrock.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Compares request bodies as parsed JSON trees, so that field order and spacing do not matter. */
final class JsonAssertions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonAssertions() {}

  static JsonNode tree(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return fail("the body is not JSON: " + new String(body, StandardCharsets.UTF_8), e);
    }
  }

  static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      return fail("the expected JSON literal is not JSON", e);
    }
  }

  static void assertJson(String expected, byte[] actual) {
    JsonNode actualTree = tree(actual);
    assertEquals(tree(expected), actualTree, () -> "body was " + actualTree.toPrettyString());
  }

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
