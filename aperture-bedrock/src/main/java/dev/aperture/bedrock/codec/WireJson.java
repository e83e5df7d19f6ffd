package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.internal.Ids;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON plumbing both codecs share: one mapper, generators over byte buffers, and the small
 * readers the response decoders need. Package-private; Jackson never shows in the public API.
 */
final class WireJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private WireJson() {}

  /** Writes one JSON document into a byte array. */
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      // A byte buffer does not fail; a generator only throws on misuse, which is a bug here.
      throw new UncheckedIOException("could not write a request body", e);
    }
    return out.toByteArray();
  }

  /** Parses JSON text; throws the Jackson error so callers can word their own message. */
  static JsonNode parse(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /** The node as compact JSON text. */
  static String compact(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not serialise a JSON tree", e);
    }
  }

  /**
   * Reads a response body; a body that is not a JSON object is a {@link BedrockResponseException}.
   */
  static JsonNode readResponse(byte[] body, String api) {
    if (body == null || body.length == 0) {
      throw new BedrockResponseException(api + " answered with an empty body");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (IOException e) {
      throw new BedrockResponseException(api + " answered with a body that is not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new BedrockResponseException(api + " answered with a body that is not a JSON object");
    }
    return root;
  }

  /** A string field, or null when absent or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /** A string field, or "" when absent or not a string. */
  static String textOrEmpty(JsonNode node, String field) {
    String s = text(node, field);
    return s == null ? "" : s;
  }

  /** A token counter; absent, null or negative values count as 0. */
  static long count(JsonNode node, String field) {
    if (node == null) {
      return 0;
    }
    JsonNode v = node.get(field);
    return v != null && v.canConvertToLong() ? Math.max(0, v.asLong()) : 0;
  }

  /**
   * Tool arguments as compact JSON text: absent or null input becomes {@code {}}, never an empty
   * string; anything else is kept as the model sent it.
   */
  static String arguments(JsonNode input) {
    return input == null || input.isNull() || input.isMissingNode() ? "{}" : compact(input);
  }

  /** An id for an answer whose provider gave none. */
  static String generatedMessageId() {
    return "msg_" + Ids.randomUuid().toString().replace("-", "");
  }
}
