package dev.aperture.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.aperture.ApertureException;
import dev.aperture.chat.ContentPart;
import dev.aperture.chat.StopReason;
import dev.aperture.chat.Usage;
import dev.aperture.internal.JsonText;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAI chat-completions vocabulary shared by the response encoder and the chunk writer:
 * finish reasons, the usage object, the error envelope and document media types.
 */
final class OpenAiWire {
  /** Document formats of the canonical model by the media type of an OpenAI {@code file} part. */
  private static final Map<String, String> FORMAT_BY_MEDIA_TYPE =
      Map.of(
          "application/pdf", "pdf",
          "text/csv", "csv",
          "text/plain", "txt",
          "text/html", "html",
          "text/markdown", "md",
          "application/msword", "doc",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
          "application/vnd.ms-excel", "xls",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");

  private static final Map<String, String> MEDIA_TYPE_BY_FORMAT = invert(FORMAT_BY_MEDIA_TYPE);

  // Field names and values written in every answer and chunk, encoded once.
  static final SerializedString F_ARGUMENTS = new SerializedString("arguments");
  static final SerializedString F_CHOICES = new SerializedString("choices");
  static final SerializedString F_CONTENT = new SerializedString("content");
  static final SerializedString F_CREATED = new SerializedString("created");
  static final SerializedString F_FINISH_REASON = new SerializedString("finish_reason");
  static final SerializedString F_FUNCTION = new SerializedString("function");
  static final SerializedString F_ID = new SerializedString("id");
  static final SerializedString F_INDEX = new SerializedString("index");
  static final SerializedString F_LOGPROBS = new SerializedString("logprobs");
  static final SerializedString F_MODEL = new SerializedString("model");
  static final SerializedString F_NAME = new SerializedString("name");
  static final SerializedString F_OBJECT = new SerializedString("object");
  static final SerializedString F_REASONING_CONTENT = new SerializedString("reasoning_content");
  static final SerializedString F_TOOL_CALLS = new SerializedString("tool_calls");
  static final SerializedString F_TYPE = new SerializedString("type");
  static final SerializedString V_FUNCTION = new SerializedString("function");

  private OpenAiWire() {}

  private static Map<String, String> invert(Map<String, String> map) {
    java.util.HashMap<String, String> inverse = new java.util.HashMap<>();
    map.forEach((k, v) -> inverse.put(v, k));
    return Map.copyOf(inverse);
  }

  /**
   * The OpenAI {@code finish_reason} for a canonical stop reason. OpenAI has five values, so
   * several canonical reasons share one: a normal end, a stop sequence and a paused turn are {@code
   * stop}; the token limit and a full context window are {@code length}; a tool call is {@code
   * tool_calls}; guardrails, content filters and refusals are {@code content_filter}; anything else
   * (malformed output, unknown reasons) is {@code stop}. The exact reason stays on the canonical
   * response.
   */
  static String finishReason(StopReason reason) {
    switch (reason) {
      case MAX_TOKENS:
      case CONTEXT_WINDOW_EXCEEDED:
        return "length";
      case TOOL_USE:
        return "tool_calls";
      case GUARDRAIL_INTERVENED:
      case CONTENT_FILTERED:
      case REFUSAL:
        return "content_filter";
      case END_TURN:
      case STOP_SEQUENCE:
      case PAUSE_TURN:
      default:
        return "stop";
    }
  }

  /**
   * Writes the {@code usage} field. OpenAI's {@code prompt_tokens} counts every input token, so it
   * is the canonical non-cached input plus cache reads plus cache writes; {@code cached_tokens} is
   * the cache reads. Cache writes have no field of their own in OpenAI's shape.
   */
  static void writeUsageField(JsonGenerator g, Usage usage) throws IOException {
    g.writeFieldName("usage");
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", usage.totalInputTokens());
    g.writeNumberField("completion_tokens", usage.outputTokens());
    g.writeNumberField("total_tokens", usage.totalTokens());
    g.writeFieldName("prompt_tokens_details");
    g.writeStartObject();
    g.writeNumberField("cached_tokens", usage.cacheReadTokens());
    g.writeEndObject();
    g.writeFieldName("completion_tokens_details");
    g.writeStartObject();
    g.writeNumberField("reasoning_tokens", usage.reasoningTokens());
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * The OpenAI error {@code type} for an HTTP status. OpenAI answers an unknown model with 404 and
   * {@code invalid_request_error}, so every 4xx without a type of its own is one.
   */
  static String errorType(int status) {
    if (status == 401) {
      return "authentication_error";
    }
    if (status == 403) {
      return "permission_error";
    }
    if (status == 429) {
      return "rate_limit_error";
    }
    if (status >= 400 && status < 500) {
      return "invalid_request_error";
    }
    return "api_error";
  }

  /** Writes {@code {"error": {"message", "type", "param", "code"}}}; absent values are null. */
  static void writeErrorEnvelope(
      JsonGenerator g, String message, String type, String param, String code) throws IOException {
    g.writeStartObject();
    g.writeFieldName("error");
    g.writeStartObject();
    g.writeStringField("message", message == null ? "" : message);
    g.writeStringField("type", type);
    writeNullableString(g, "param", param);
    writeNullableString(g, "code", code);
    g.writeEndObject();
    g.writeEndObject();
  }

  /**
   * Writes the error envelope for a failure: the type follows its HTTP status; a request error
   * brings its own code and param; a 429 without one is {@code rate_limit_exceeded}.
   */
  static void writeErrorEnvelope(JsonGenerator g, ApertureException error) throws IOException {
    int status = error.httpStatus();
    String code = null;
    String param = null;
    if (error instanceof OpenAiRequestException r) {
      code = r.code();
      param = r.param().orElse(null);
    } else if (status == 429) {
      code = "rate_limit_exceeded";
    }
    writeErrorEnvelope(g, error.getMessage(), errorType(status), param, code);
  }

  /**
   * An assistant message's {@code tool_calls} array ({@code arguments} as a JSON string); nothing
   * when there are no calls.
   */
  static void writeToolCalls(JsonGenerator g, List<ContentPart.ToolCall> calls) throws IOException {
    if (calls.isEmpty()) {
      return;
    }
    g.writeFieldName(F_TOOL_CALLS);
    g.writeStartArray();
    for (ContentPart.ToolCall call : calls) {
      g.writeStartObject();
      writeText(g, F_ID, call.id());
      writeField(g, F_TYPE, V_FUNCTION);
      g.writeFieldName(F_FUNCTION);
      g.writeStartObject();
      writeText(g, F_NAME, call.name());
      writeText(g, F_ARGUMENTS, call.argumentsJson());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** {@code name: value}, a constant. */
  /**
   * Opens {@code "choices":[{"index":0,"<body>":{} of an answer or chunk with one choice: the
   * caller writes the body's fields, then closes the body and the choice and the array.
   */
  static void startOnlyChoice(JsonGenerator g, SerializedString body) throws IOException {
    g.writeFieldName(F_CHOICES);
    g.writeStartArray();
    g.writeStartObject();
    g.writeFieldName(F_INDEX);
    g.writeNumber(0);
    g.writeFieldName(body);
    g.writeStartObject();
  }

  static void writeField(JsonGenerator g, SerializedString name, SerializedString value)
      throws IOException {
    g.writeFieldName(name);
    g.writeString(value);
  }

  /**
   * {@code name: value} as {@code g.writeStringField} writes it ({@code null} when {@code value}
   * is), long text written by {@link JsonText}.
   */
  static void writeText(JsonGenerator g, SerializedString name, String value) throws IOException {
    g.writeFieldName(name);
    if (value == null) {
      g.writeNull();
    } else {
      JsonText.writeString(g, value);
    }
  }

  static void writeNullableString(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }

  /** The canonical document format ({@code pdf}, {@code csv}, …) of a media type; null if none. */
  static String documentFormat(String mediaType) {
    return FORMAT_BY_MEDIA_TYPE.get(mediaType.toLowerCase(Locale.ROOT));
  }

  /** The media type of a canonical document format; null if the format has none here. */
  static String documentMediaType(String format) {
    return MEDIA_TYPE_BY_FORMAT.get(format.toLowerCase(Locale.ROOT));
  }
}
