package dev.aperture.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request-body checks Bedrock makes (and that other gateways have tripped over), with Bedrock's
 * wording where it is known. The first broken rule is reported; the checks are a useful subset of
 * Bedrock's, not all of them.
 */
final class BodyRules {
  static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";

  /** The top-level keys Bedrock accepts in an Anthropic Messages body. */
  static final Set<String> ANTHROPIC_KEYS =
      Set.of(
          "anthropic_version",
          "anthropic_beta",
          "max_tokens",
          "messages",
          "system",
          "temperature",
          "top_p",
          "top_k",
          "stop_sequences",
          "tools",
          "tool_choice",
          "thinking",
          "metadata");

  private static final Set<String> CONTENT_BLOCK_MEMBERS =
      Set.of(
          "text",
          "image",
          "document",
          "toolUse",
          "toolResult",
          "reasoningContent",
          "cachePoint",
          "guardContent",
          "video",
          "citationsContent");

  private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  private BodyRules() {}

  /** The refusal for an Anthropic InvokeModel body, or null when it passes. */
  static Refusal checkAnthropic(JsonNode body) {
    if (body == null || !body.isObject()) {
      return malformed("#: expected type: JSONObject");
    }
    for (Map.Entry<String, JsonNode> field : body.properties()) {
      String name = field.getKey();
      if (!ANTHROPIC_KEYS.contains(name)) {
        return malformed("#: extraneous key [" + name + "] is not permitted");
      }
    }
    for (String required : new String[] {"anthropic_version", "max_tokens", "messages"}) {
      if (!body.has(required)) {
        return malformed("#: required key [" + required + "] not found");
      }
    }
    JsonNode version = body.get("anthropic_version");
    if (!version.isTextual() || !ANTHROPIC_VERSION.equals(version.asText())) {
      return malformed("#/anthropic_version: " + version + " is not a valid enum value");
    }
    JsonNode maxTokens = body.get("max_tokens");
    if (!maxTokens.canConvertToInt() || !maxTokens.isIntegralNumber() || maxTokens.asInt() < 1) {
      return malformed("#/max_tokens: expected minimum: 1, found: " + maxTokens);
    }
    JsonNode messages = body.get("messages");
    if (!messages.isArray()) {
      return malformed("#/messages: expected type: JSONArray, found: " + typeOf(messages));
    }
    if (messages.isEmpty()) {
      return malformed("#/messages: expected minimum item count: 1, found: 0");
    }
    boolean toolBlocks = false;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String role = message.path("role").asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        return malformed(
            "#/messages/" + i + "/role: " + message.get("role") + " is not a valid enum value");
      }
      JsonNode content = message.get("content");
      if (content == null) {
        return malformed("#/messages/" + i + ": required key [content] not found");
      }
      if (content.isTextual()) {
        Refusal blank = anthropicText(content.asText());
        if (blank != null) {
          return blank;
        }
        continue;
      }
      if (!content.isArray()) {
        return malformed("#/messages/" + i + "/content: expected type: JSONArray or String");
      }
      for (JsonNode block : content) {
        String type = block.path("type").asText("");
        if (type.equals("text")) {
          Refusal blank = anthropicText(block.path("text").asText(""));
          if (blank != null) {
            return blank;
          }
        } else if (type.equals("tool_use") || type.equals("tool_result")) {
          toolBlocks = true;
        }
      }
    }
    if (toolBlocks && !body.has("tools")) {
      return Refusal.validation(
          "Requests which include `tool_use` or `tool_result` blocks must define tools.");
    }
    return null;
  }

  private static Refusal anthropicText(String text) {
    if (text.isEmpty()) {
      return Refusal.validation("messages: text content blocks must be non-empty");
    }
    if (text.isBlank()) {
      return Refusal.validation("messages: text content blocks must contain non-whitespace text");
    }
    return null;
  }

  private static Refusal malformed(String detail) {
    return Refusal.validation(
        "Malformed input request: " + detail + ", please reformat your input and try again.");
  }

  /** The refusal for a Converse body, or null when it passes. */
  static Refusal checkConverse(JsonNode body) {
    if (body == null || !body.isObject()) {
      return new Refusal(
          400, "SerializationException", "The request body is not a JSON object.", false);
    }
    if (body.has("modelId")) {
      return Refusal.validation(
          "The request body must not contain modelId: the model id is part of the URL path.");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      return constraint("null", "messages", "Member must not be null");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      return Refusal.validation(
          "A conversation must start with a user message. Try again with a conversation that"
              + " starts with a user message.");
    }
    boolean toolBlocks = false;
    String previousRole = null;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      JsonNode roleNode = message.path("role");
      String role = roleNode.asText("");
      if (!role.equals("user") && !role.equals("assistant")) {
        return constraint(
            roleNode.isMissingNode() ? "null" : "'" + role + "'",
            "messages." + (i + 1) + ".member.role",
            "Member must satisfy enum value set: [user, assistant]");
      }
      if (i == 0 && !role.equals("user")) {
        return Refusal.validation(
            "A conversation must start with a user message. Try again with a conversation that"
                + " starts with a user message.");
      }
      if (role.equals(previousRole)) {
        return Refusal.validation(
            "A conversation must alternate between user and assistant roles. Make sure the"
                + " conversation alternates between user and assistant roles and try again.");
      }
      previousRole = role;
      JsonNode content = message.path("content");
      if (!content.isArray() || content.isEmpty()) {
        return Refusal.validation(
            "The content field in the Message object at messages."
                + i
                + ".content is empty. Add a ContentBlock object to the content field and try"
                + " again.");
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        String at = "messages." + i + ".content." + j;
        if (!block.isObject() || block.size() != 1) {
          return exactlyOneMember(at);
        }
        Map.Entry<String, JsonNode> member = block.properties().iterator().next();
        String name = member.getKey();
        if (!CONTENT_BLOCK_MEMBERS.contains(name)) {
          return exactlyOneMember(at);
        }
        if (name.equals("text")) {
          JsonNode text = member.getValue();
          if (!text.isTextual() || text.asText().isBlank()) {
            return Refusal.validation(
                "The text field in the ContentBlock object at "
                    + at
                    + " is blank: text content blocks must be non-empty. Add text to the text"
                    + " field, and try again.");
          }
        } else if (name.equals("toolUse") || name.equals("toolResult")) {
          toolBlocks = true;
        }
      }
    }
    JsonNode toolConfig = body.get("toolConfig");
    if (toolBlocks && (toolConfig == null || toolConfig.isNull())) {
      return Refusal.validation(
          "The toolConfig field must be defined when using toolUse and toolResult content blocks.");
    }
    if (toolConfig != null && !toolConfig.isNull()) {
      Refusal tools = checkToolConfig(toolConfig);
      if (tools != null) {
        return tools;
      }
    }
    JsonNode system = body.get("system");
    if (system != null && system.isArray()) {
      for (int i = 0; i < system.size(); i++) {
        JsonNode text = system.get(i).get("text");
        if (text != null && (!text.isTextual() || text.asText().isBlank())) {
          return Refusal.validation(
              "The text field in the SystemContentBlock object at system."
                  + i
                  + " is blank. Add text to the text field, and try again.");
        }
      }
    }
    JsonNode maxTokens = body.path("inferenceConfig").path("maxTokens");
    if (!maxTokens.isMissingNode() && (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1)) {
      return constraint(
          maxTokens.toString(),
          "inferenceConfig.maxTokens",
          "Member must have value greater than or equal to 1");
    }
    return null;
  }

  private static Refusal checkToolConfig(JsonNode toolConfig) {
    JsonNode tools = toolConfig.path("tools");
    if (!tools.isArray() || tools.isEmpty()) {
      return constraint(
          tools.isMissingNode() ? "null" : tools.toString(),
          "toolConfig.tools",
          "Member must have length greater than or equal to 1");
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      JsonNode spec = tool.get("toolSpec");
      if (spec == null) {
        if (tool.has("cachePoint") && tool.size() == 1) {
          continue;
        }
        return Refusal.validation(
            "The Tool object at toolConfig.tools."
                + i
                + " must set exactly one of toolSpec, cachePoint.");
      }
      String name = spec.path("name").asText("");
      if (!TOOL_NAME.matcher(name).matches()) {
        return constraint(
            "'" + name + "'",
            "toolConfig.tools." + (i + 1) + ".member.toolSpec.name",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+ and have length"
                + " between 1 and 64");
      }
      JsonNode type = spec.path("inputSchema").path("json").path("type");
      if (!"object".equals(type.asText(""))) {
        return Refusal.validation(
            "The value at toolConfig.tools."
                + i
                + ".toolSpec.inputSchema.json.type must be one of the following: object.");
      }
    }
    JsonNode choice = toolConfig.get("toolChoice");
    if (choice != null && !choice.isNull()) {
      boolean one =
          choice.isObject()
              && choice.size() == 1
              && (choice.has("auto") || choice.has("any") || choice.has("tool"));
      if (!one) {
        return Refusal.validation(
            "The toolChoice object must set exactly one of auto, any, tool (Bedrock has no"
                + " \"none\").");
      }
      if (choice.has("tool") && choice.path("tool").path("name").asText("").isEmpty()) {
        return constraint("null", "toolConfig.toolChoice.tool.name", "Member must not be null");
      }
    }
    return null;
  }

  private static Refusal exactlyOneMember(String at) {
    return Refusal.validation(
        "The ContentBlock object at "
            + at
            + " must set exactly one of the following keys: "
            + String.join(
                ", ",
                "text",
                "image",
                "document",
                "toolUse",
                "toolResult",
                "reasoningContent",
                "cachePoint",
                "guardContent",
                "video",
                "citationsContent")
            + ".");
  }

  /** Coral's wording for a broken shape constraint; {@code at} uses 1-based list indexes. */
  private static Refusal constraint(String value, String at, String constraint) {
    return Refusal.validation(
        "1 validation error detected: Value "
            + value
            + " at '"
            + at
            + "' failed to satisfy constraint: "
            + constraint);
  }

  private static String typeOf(JsonNode node) {
    return node.getNodeType().toString();
  }
}
