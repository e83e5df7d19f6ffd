package dev.aperture.access.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.access.InterceptContext;
import dev.aperture.access.InterceptDecision;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ImmutableChatRequest;
import dev.aperture.chat.Tool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The JSON a {@link dev.aperture.access.WebhookInterceptor} sends and reads; the shapes are
 * documented there.
 */
public final class WebhookProtocol {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory JSON = MAPPER.getFactory();

  /** The block message when the webhook's answer has none. */
  static final String DEFAULT_BLOCK_MESSAGE = "request blocked by a webhook";

  private WebhookProtocol() {}

  /** The call payload describing {@code request}. */
  public static byte[] encodeCall(InterceptContext context, ChatRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("identity", context.identity().principal());
      g.writeStringField("provider", context.providerId());
      g.writeStringField("model", context.model());
      g.writeStringField("api", context.api());
      g.writeStringField("session_id", context.sessionId());
      g.writeObjectFieldStart("request");
      g.writeStringField("model", request.model());
      g.writeNumberField("message_count", request.messages().size());
      g.writeArrayFieldStart("tools");
      for (Tool tool : request.tools()) {
        g.writeString(tool.name());
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  /**
   * The decision in the webhook's answer {@code body} about {@code request}.
   *
   * @throws IOException when the answer is not one of the documented shapes
   */
  public static InterceptDecision decodeAnswer(byte[] body, ChatRequest request)
      throws IOException {
    JsonNode root = MAPPER.readTree(body);
    if (root == null || !root.isObject()) {
      throw new IOException("the answer is not a JSON object");
    }
    String action = root.path("action").asText("").toLowerCase(Locale.ROOT);
    switch (action) {
      case "allow":
        return InterceptDecision.allow();
      case "block":
        return block(root);
      case "modify":
        return modify(root, request);
      default:
        throw new IOException("unknown action \"" + abbreviate(action) + "\"");
    }
  }

  private static InterceptDecision block(JsonNode root) {
    JsonNode statusNode = root.path("status");
    int status = statusNode.canConvertToInt() ? statusNode.asInt() : 403;
    if (status < 400 || status > 599) {
      status = 403;
    }
    JsonNode messageNode = root.path("message");
    String message =
        messageNode.isTextual() && !messageNode.asText().isBlank()
            ? messageNode.asText()
            : DEFAULT_BLOCK_MESSAGE;
    return InterceptDecision.block(status, message);
  }

  private static InterceptDecision modify(JsonNode root, ChatRequest request) throws IOException {
    JsonNode model = root.path("request").path("model");
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new IOException("a modify answer must carry request.model");
    }
    return InterceptDecision.modify(ImmutableChatRequest.copyOf(request).withModel(model.asText()));
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }
}
