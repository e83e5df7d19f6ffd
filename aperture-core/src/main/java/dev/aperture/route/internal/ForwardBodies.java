package dev.aperture.route.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aperture.internal.Ids;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.route.RoutingException;
import dev.aperture.usage.SessionFingerprint;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the router reads from a native request body: its model and its session. */
final class ForwardBodies {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Claude Code's {@code metadata.user_id}: {@code user_<hash>_account_<uuid>_session_<uuid>}. */
  private static final Pattern CLAUDE_SESSION = Pattern.compile("_session_([0-9a-fA-F-]{8,})");

  private ForwardBodies() {}

  /** The body's top-level {@code model} field; a typed error when there is none. */
  static String model(ForwardRequest request) {
    JsonNode root = tree(request);
    JsonNode model = root == null ? null : root.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw new RoutingException(
          RoutingException.Reason.INVALID_REQUEST,
          "",
          root == null
              ? "the request body is not JSON: a JSON object with a string 'model' field is required"
              : "the request body names no model: a string 'model' field is required");
    }
    return model.asText();
  }

  /**
   * Whether the answer streams: the operation says so (Bedrock), or the body's {@code "stream":
   * true} does (Anthropic Messages, OpenAI chat).
   */
  static boolean streaming(ForwardRequest request) {
    if (request.streaming()) {
      return true;
    }
    JsonNode root = tree(request);
    JsonNode stream = root == null ? null : root.get("stream");
    return stream != null && stream.asBoolean(false);
  }

  /**
   * The session id: a client header ({@code x-session-id}, {@code session_id}), Claude Code's
   * session inside {@code metadata.user_id}, a fingerprint of the conversation's start, or random.
   */
  static String sessionId(ForwardRequest request) {
    for (String h : new String[] {"x-session-id", "session_id", "x-claude-code-session-id"}) {
      var v = request.header(h);
      if (v.isPresent() && !v.get().isBlank()) {
        return v.get();
      }
    }
    JsonNode root = tree(request);
    if (root == null) {
      return Ids.randomUuid().toString();
    }
    JsonNode userId = root.path("metadata").get("user_id");
    if (userId != null && userId.isTextual()) {
      Matcher m = CLAUDE_SESSION.matcher(userId.asText());
      if (m.find()) {
        return m.group(1);
      }
    }
    StringBuilder seed = new StringBuilder();
    JsonNode system = root.get("system");
    if (system != null) {
      seed.append("system:")
          .append(system.isTextual() ? system.asText() : system.toString())
          .append('\n');
    }
    for (JsonNode m : root.path("messages")) {
      if ("user".equals(m.path("role").asText())) {
        JsonNode content = m.get("content");
        seed.append("user:")
            .append(
                content == null ? "" : content.isTextual() ? content.asText() : content.toString());
        return SessionFingerprint.fingerprint(seed.toString());
      }
    }
    return seed.length() > 0
        ? SessionFingerprint.fingerprint(seed.toString())
        : Ids.randomUuid().toString();
  }

  private static JsonNode tree(ForwardRequest request) {
    try {
      return request.body().length == 0 ? null : MAPPER.readTree(request.body());
    } catch (IOException e) {
      return null;
    }
  }
}
