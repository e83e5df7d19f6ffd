package dev.aperture.bedrock.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aperture.bedrock.BedrockErrorType;
import dev.aperture.bedrock.eventstream.EventStreamMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import okio.Buffer;

/**
 * Anthropic Messages API requests forwarded to Claude on Bedrock through InvokeModel: the request
 * body rewritten for InvokeModel, and the InvokeModel answer given back in the Anthropic API's own
 * shapes (its stream as the server-sent events Anthropic sends, its errors as Anthropic error
 * objects). A non-streamed InvokeModel answer already is an Anthropic Messages response and needs
 * nothing. Stateless and thread-safe.
 */
public final class AnthropicPassthrough {
  /** The {@code anthropic_version} InvokeModel requires for Claude. */
  public static final String BEDROCK_ANTHROPIC_VERSION = "bedrock-2023-05-31";

  private static final byte[] EVENT = bytes("event: ");
  private static final byte[] DATA = bytes("data: ");

  private AnthropicPassthrough() {}

  /**
   * An InvokeModel request body and the operation it goes to.
   *
   * @param body the rewritten body
   * @param stream whether the caller asked for a stream ({@code "stream": true}): the request goes
   *     to {@code invoke-with-response-stream} rather than {@code invoke}
   */
  public record InvokeRequest(
      byte[] body, boolean stream, List<String> betas, List<String> dropped) {
    public InvokeRequest {
      betas = List.copyOf(betas);
      dropped = List.copyOf(dropped);
    }

    /** A request with every beta kept. */
    public InvokeRequest(byte[] body, boolean stream) {
      this(body, stream, List.of(), List.of());
    }

    /** The InvokeModel operation: {@code invoke} or {@code invoke-with-response-stream}. */
    public String operation() {
      return stream ? "invoke-with-response-stream" : "invoke";
    }
  }

  /**
   * Rewrites an Anthropic Messages request body for InvokeModel: {@code model} and {@code stream}
   * are removed (the path carries both), {@code anthropic_version} is added when absent, and the
   * betas of the {@code anthropic-beta} header values (comma-separated) are merged into the body's
   * {@code anthropic_beta} array, in order and without repeats. Every other field is copied as it
   * came, in its order, numbers digit for digit; added fields go last.
   *
   * @throws BedrockRequestException if the body is not a JSON object
   */
  public static InvokeRequest invokeRequest(byte[] messagesBody, List<String> betaHeaderValues) {
    return invokeRequest(messagesBody, betaHeaderValues, beta -> true);
  }

  /**
   * As {@link #invokeRequest(byte[], List)}, keeping only the betas (of the body and the headers)
   * that {@code keep} accepts; {@link InvokeRequest#betas()} lists those written and {@link
   * InvokeRequest#dropped()} the others, in order.
   */
  public static InvokeRequest invokeRequest(
      byte[] messagesBody, List<String> betaHeaderValues, Predicate<String> keep) {
    Set<String> headerBetas = new LinkedHashSet<>();
    for (String value : betaHeaderValues) {
      for (String beta : value.split(",")) {
        if (!beta.isBlank()) {
          headerBetas.add(beta.trim());
        }
      }
    }
    boolean[] stream = new boolean[1];
    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    BetaFilter filter = new BetaFilter(keep, kept, dropped);
    byte[] body =
        WireJson.write(
            g -> {
              try (JsonParser p = WireJson.MAPPER.getFactory().createParser(messagesBody)) {
                copyForInvoke(p, g, headerBetas, stream, filter);
              } catch (JsonProcessingException e) {
                throw new BedrockRequestException(
                    "the Anthropic Messages request body is not valid JSON: "
                        + e.getOriginalMessage(),
                    e);
              }
            });
    return new InvokeRequest(body, stream[0], kept, dropped);
  }

  /** Splits betas into those written and those left out. */
  private record BetaFilter(Predicate<String> keep, List<String> kept, List<String> dropped) {
    Set<String> apply(Set<String> betas) {
      Set<String> out = new LinkedHashSet<>();
      for (String b : betas) {
        if (keep.test(b)) {
          out.add(b);
          kept.add(b);
        } else {
          dropped.add(b);
        }
      }
      return out;
    }
  }

  private static void copyForInvoke(
      JsonParser p, JsonGenerator g, Set<String> headerBetas, boolean[] stream, BetaFilter filter)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new BedrockRequestException("the Anthropic Messages request body is not a JSON object");
    }
    g.writeStartObject();
    boolean hasVersion = false;
    boolean betasWritten = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "model":
          p.skipChildren();
          break;
        case "stream":
          stream[0] = value == JsonToken.VALUE_TRUE;
          p.skipChildren();
          break;
        case "anthropic_beta":
          {
            Set<String> betas = new LinkedHashSet<>();
            JsonNode existing = p.readValueAsTree();
            if (existing != null && existing.isTextual()) {
              betas.add(existing.asText());
            } else if (existing != null) {
              existing.forEach(b -> betas.add(b.asText()));
            }
            betas.addAll(headerBetas);
            Set<String> written = filter.apply(betas);
            if (!written.isEmpty() || filter.dropped().isEmpty()) {
              writeBetas(g, written); // as sent, even an empty array, unless all were left out
            }
            betasWritten = true;
            break;
          }
        default:
          hasVersion |= name.equals("anthropic_version");
          g.writeFieldName(name);
          g.copyCurrentStructureExact(p);
      }
    }
    if (!hasVersion) {
      g.writeStringField("anthropic_version", BEDROCK_ANTHROPIC_VERSION);
    }
    if (!betasWritten && !headerBetas.isEmpty()) {
      Set<String> written = filter.apply(headerBetas);
      if (!written.isEmpty()) {
        writeBetas(g, written);
      }
    }
    g.writeEndObject();
  }

  private static void writeBetas(JsonGenerator g, Set<String> betas) throws IOException {
    g.writeArrayFieldStart("anthropic_beta");
    for (String b : betas) {
      g.writeString(b);
    }
    g.writeEndArray();
  }

  /**
   * Appends to {@code out} what the Anthropic API would send for one InvokeModelWithResponseStream
   * frame: for a {@code chunk}, {@code event: <type>\ndata: <event JSON>\n\n} with the event JSON
   * exactly as Bedrock carried it (base64-decoded; Bedrock's {@code
   * amazon-bedrock-invocationMetrics} on {@code message_stop} is kept, Anthropic clients ignore
   * unknown fields); for an exception or error frame, or a chunk that cannot be decoded, an {@code
   * error} event ({@code overloaded_error} for throttling and unavailability, {@code
   * invalid_request_error} for validation, {@code api_error} otherwise). Frames of other event
   * types write nothing.
   *
   * @return true when the frame ended the stream (an error event was written)
   */
  public static boolean writeSse(EventStreamMessage frame, Buffer out) {
    String messageType = frame.messageType().orElse("event");
    switch (messageType) {
      case "event":
        break;
      case "exception":
        {
          String type = frame.exceptionType().orElse("unknownException");
          String text = StreamFrames.messageOf(frame);
          writeError(out, streamErrorType(type), text.isEmpty() ? type : text);
          return true;
        }
      case "error":
        {
          String code = frame.stringHeader(":error-code").orElse("unknownError");
          String text = frame.stringHeader(":error-message").orElse(code);
          writeError(out, streamErrorType(code), text);
          return true;
        }
      default:
        writeError(out, "api_error", "Bedrock sent a frame of unknown type '" + messageType + "'");
        return true;
    }
    if (!frame.eventType().orElse("").equals("chunk")) {
      return false;
    }
    byte[] event;
    String type;
    try {
      JsonNode chunk = StreamFrames.payload(frame);
      String base64 = WireJson.text(chunk, "bytes");
      event = base64 == null ? null : Base64.getDecoder().decode(base64);
      type = event == null ? null : eventType(event);
    } catch (RuntimeException | IOException e) {
      type = null;
      event = null;
    }
    if (type == null) {
      writeError(out, "api_error", "Bedrock sent a stream chunk that is not an Anthropic event");
      return true;
    }
    out.write(EVENT).writeUtf8(type).writeByte('\n');
    writeData(out, event);
    out.writeByte('\n');
    return false;
  }

  /** Writes an Anthropic {@code error} event. */
  public static void writeError(Buffer out, String anthropicType, String message) {
    out.write(EVENT).writeUtf8("error\n");
    out.write(DATA).write(errorBody(anthropicType, message)).writeUtf8("\n\n");
  }

  /** The Anthropic error object: {@code {"type":"error","error":{"type":…,"message":…}}}. */
  public static byte[] errorBody(String anthropicType, String message) {
    return WireJson.write(
        g -> {
          g.writeStartObject();
          g.writeStringField("type", "error");
          g.writeObjectFieldStart("error");
          g.writeStringField("type", anthropicType);
          g.writeStringField("message", message == null ? "" : message);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /**
   * The Anthropic error type the Anthropic API answers an HTTP {@code status} with: {@code
   * invalid_request_error} (400), {@code authentication_error} (401), {@code permission_error}
   * (403), {@code not_found_error} (404), {@code request_too_large} (413), {@code rate_limit_error}
   * (429), {@code overloaded_error} (503, 529), {@code api_error} for 5xx and for Bedrock's model
   * failures (408 ModelTimeoutException, 424 ModelErrorException), {@code invalid_request_error}
   * for other 4xx.
   */
  public static String errorType(int status) {
    switch (status) {
      case 400:
        return "invalid_request_error";
      case 401:
        return "authentication_error";
      case 403:
        return "permission_error";
      case 404:
        return "not_found_error";
      case 413:
        return "request_too_large";
      case 429:
        return "rate_limit_error";
      case 503:
      case 529:
        return "overloaded_error";
      case 408:
      case 424:
        return "api_error";
      default:
        return status >= 500 ? "api_error" : "invalid_request_error";
    }
  }

  /** The Anthropic error type for a Bedrock stream exception type, e.g. throttlingException. */
  static String streamErrorType(String bedrockType) {
    switch (BedrockErrorType.fromWire(bedrockType)) {
      case THROTTLING:
      case SERVICE_UNAVAILABLE:
      case MODEL_NOT_READY:
        return "overloaded_error";
      case VALIDATION:
        return "invalid_request_error";
      default:
        return "api_error";
    }
  }

  /** The top-level {@code type} of an Anthropic event, read without building a tree. */
  private static String eventType(byte[] event) throws IOException {
    try (JsonParser p = WireJson.MAPPER.getFactory().createParser(event)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("type")) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    }
  }

  /** One {@code data:} line per line of {@code event}: SSE data lines cannot hold a newline. */
  private static void writeData(Buffer out, byte[] event) {
    int length = event.length;
    while (length > 0 && (event[length - 1] == '\n' || event[length - 1] == '\r')) {
      length--;
    }
    int start = 0;
    for (int i = 0; i <= length; i++) {
      if (i == length || event[i] == '\n') {
        int end = i > start && event[i - 1] == '\r' ? i - 1 : i;
        out.write(DATA).write(event, start, end - start).writeByte('\n');
        start = i + 1;
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
