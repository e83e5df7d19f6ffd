package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.StreamException;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.io.IOException;

/** What both stream translators do with a frame before looking at its event: errors and JSON. */
final class StreamFrames {
  private StreamFrames() {}

  /**
   * Throws the typed error an {@code exception} or {@code error} frame carries; returns normally
   * for {@code event} frames.
   */
  static void rejectErrors(EventStreamMessage message) {
    String type = message.messageType().orElse("event");
    if (type.equals("event")) {
      return;
    }
    String errorType;
    String text;
    if (type.equals("exception")) {
      errorType = message.exceptionType().orElse("unknownException");
      text = messageOf(message);
    } else if (type.equals("error")) {
      errorType = message.stringHeader(":error-code").orElse("unknownError");
      text = message.stringHeader(":error-message").orElse("");
    } else {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME, "unknown :message-type '" + type + "' in the stream");
    }
    BedrockErrorType known = BedrockErrorType.fromWire(errorType);
    throw new StreamException(
        StreamException.Kind.UPSTREAM_ERROR,
        errorType,
        "Bedrock reported " + errorType + " mid-stream" + (text.isEmpty() ? "" : ": " + text),
        known.retryable(),
        null);
  }

  /** The {@code message} (or {@code Message}) of an exception frame's JSON payload; "" if none. */
  static String messageOf(EventStreamMessage message) {
    try {
      JsonNode node = WireJson.MAPPER.readTree(message.payloadStream());
      String m = node == null ? null : WireJson.text(node, "message");
      if (m == null && node != null) {
        m = WireJson.text(node, "Message");
      }
      return m == null ? "" : m;
    } catch (IOException e) {
      return message.payloadUtf8();
    }
  }

  /** The frame's JSON payload as an object. */
  static JsonNode payload(EventStreamMessage message) {
    try {
      JsonNode node = WireJson.MAPPER.readTree(message.payloadStream());
      if (node == null || !node.isObject()) {
        throw new StreamException(
            StreamException.Kind.BAD_FRAME,
            "event '"
                + message.eventType().orElse("?")
                + "' has a payload that is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME,
          "event '" + message.eventType().orElse("?") + "' has a payload that is not JSON",
          e);
    }
  }

  /**
   * Joined tool-argument fragments as compact JSON: empty means {@code {}}. Fragments that do not
   * make valid JSON are kept as the model wrote them: that happens when the answer was cut short
   * (stop reason {@code max_tokens}), and the answer, billed and otherwise whole, must still reach
   * the caller with the stop reason that explains it rather than fail.
   */
  static String toolArguments(String joined, int index) {
    if (joined.isBlank()) {
      return "{}";
    }
    try {
      return WireJson.arguments(WireJson.parse(joined));
    } catch (IOException e) {
      return joined;
    }
  }

  static int index(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new StreamException(
          StreamException.Kind.BAD_FRAME, "stream event without a numeric '" + field + "'");
    }
    return v.asInt();
  }

  /**
   * The streaming twin of {@link #index}'s test: the parser's current value as an int when a tree
   * node of it would {@code canConvertToInt()} (an int, or a float in int range, truncated), else
   * null. Structured values are skipped.
   */
  static Integer intValue(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return parser.getNumberType() == JsonParser.NumberType.INT ? parser.getIntValue() : null;
    }
    if (value == JsonToken.VALUE_NUMBER_FLOAT) {
      double d = parser.getDoubleValue();
      return d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE ? (int) d : null;
    }
    parser.skipChildren();
    return null;
  }
}
