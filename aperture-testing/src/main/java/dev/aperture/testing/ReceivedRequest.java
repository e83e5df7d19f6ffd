package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the {@link BedrockEmulator} received it, with what it answered. Immutable.
 *
 * <p>The model id is available both as sent ({@link #rawModelId()}, still percent-encoded) and
 * decoded ({@link #modelId()}); {@link #target()} is the request target exactly as it arrived, so
 * tests can check the client's encoding byte for byte.
 */
public final class ReceivedRequest {
  private final int sequence;
  private final String method;
  private final String target;
  private final BedrockOperation operation;
  private final String rawModelId;
  private final String modelId;
  private final Map<String, List<String>> headers;
  private final String body;
  private final JsonNode json;
  private final int status;
  private final String errorType;
  private final String errorMessage;

  ReceivedRequest(
      int sequence,
      String method,
      String target,
      BedrockOperation operation,
      String rawModelId,
      String modelId,
      Map<String, List<String>> headers,
      String body,
      JsonNode json) {
    this(
        sequence,
        method,
        target,
        operation,
        rawModelId,
        modelId,
        headers,
        body,
        json,
        0,
        null,
        null);
  }

  private ReceivedRequest(
      int sequence,
      String method,
      String target,
      BedrockOperation operation,
      String rawModelId,
      String modelId,
      Map<String, List<String>> headers,
      String body,
      JsonNode json,
      int status,
      String errorType,
      String errorMessage) {
    this.sequence = sequence;
    this.method = method;
    this.target = target;
    this.operation = operation;
    this.rawModelId = rawModelId;
    this.modelId = modelId;
    this.headers = headers;
    this.body = body;
    this.json = json;
    this.status = status;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
  }

  /** This request with the emulator's answer: status 0 means the connection was dropped. */
  ReceivedRequest answered(int status, String errorType, String errorMessage) {
    return new ReceivedRequest(
        sequence,
        method,
        target,
        operation,
        rawModelId,
        modelId,
        headers,
        body,
        json,
        status,
        errorType,
        errorMessage);
  }

  /** 0 for the first request the emulator received, then 1, 2, …. */
  public int sequence() {
    return sequence;
  }

  /** The HTTP method, e.g. {@code POST}. */
  public String method() {
    return method;
  }

  /** The request target as sent, still encoded, e.g. {@code /model/us.anthropic…%3A0/converse}. */
  public String target() {
    return target;
  }

  /** The target without its query string. */
  public String rawPath() {
    int q = target.indexOf('?');
    return q < 0 ? target : target.substring(0, q);
  }

  /** The operation the path names; empty when it names none the emulator serves. */
  public Optional<BedrockOperation> operation() {
    return Optional.ofNullable(operation);
  }

  /** Whether the path named {@code op}. */
  public boolean is(BedrockOperation op) {
    return operation == op;
  }

  /** The {@code {modelId}} path segment as sent, e.g. {@code us.anthropic.claude…-v1%3A0}. */
  public Optional<String> rawModelId() {
    return Optional.ofNullable(rawModelId);
  }

  /** The model id decoded once; empty when the segment was missing or not validly encoded. */
  public Optional<String> modelId() {
    return Optional.ofNullable(modelId);
  }

  /** All headers, names in lower case, values in arrival order. Unmodifiable. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of header {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** The key from {@code Authorization: Bearer KEY}, if the request carried one. */
  public Optional<String> apiKey() {
    return header("Authorization")
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
        .map(v -> v.substring(7).trim());
  }

  /** The body as UTF-8 text; empty when there was none. */
  public String body() {
    return body;
  }

  /** Whether the body is a JSON document. */
  public boolean hasJsonBody() {
    return json != null;
  }

  /** The body re-serialised as compact JSON; empty when it is not JSON. */
  public String bodyJson() {
    return json == null ? "" : EmulatorJson.write(json);
  }

  /**
   * The body as plain Java values ({@code Map}, {@code List}, {@code String}, {@code Number},
   * {@code Boolean}, null), a fresh copy per call; empty when the body is not a JSON object.
   */
  public Map<String, Object> bodyMap() {
    if (json == null || !json.isObject()) {
      return new LinkedHashMap<>();
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = EmulatorJson.MAPPER.convertValue(json, Map.class);
    return map;
  }

  /**
   * The body's value at a JSON pointer, e.g. {@code /messages/0/content/0/text}, as a plain Java
   * value (see {@link #bodyMap()}); empty when absent or JSON null.
   */
  public Optional<Object> bodyAt(String jsonPointer) {
    if (json == null) {
      return Optional.empty();
    }
    JsonNode node = json.at(jsonPointer);
    if (node.isMissingNode() || node.isNull()) {
      return Optional.empty();
    }
    return Optional.of(EmulatorJson.MAPPER.convertValue(node, Object.class));
  }

  /** The parsed body for the emulator's own rules; null when not JSON. */
  JsonNode json() {
    return json;
  }

  /** The HTTP status answered; 0 when the emulator dropped the connection instead. */
  public int status() {
    return status;
  }

  /** The error name answered in {@code x-amzn-ErrorType} (or its equivalent), if any. */
  public Optional<String> errorType() {
    return Optional.ofNullable(errorType);
  }

  /** The error message answered, if the answer was an error. */
  public Optional<String> errorMessage() {
    return Optional.ofNullable(errorMessage);
  }

  @Override
  public String toString() {
    return "ReceivedRequest{#"
        + sequence
        + " "
        + method
        + " "
        + target
        + " -> "
        + status
        + (errorType == null ? "" : " " + errorType)
        + "}";
  }
}
