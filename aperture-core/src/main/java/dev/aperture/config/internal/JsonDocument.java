package dev.aperture.config.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the configuration text into a Jackson tree. The syntax is JSON plus {@code //} and {@code
 * /* *}{@code /} comments and trailing commas (as in the gateway's documentation); nothing else is
 * lenient.
 *
 * <p>Duplicate keys are reported (all of them, each with line and column) rather than silently
 * resolved; a syntax error ends reading with one issue giving line and column. Messages never
 * repeat the document's text, which may hold a credential.
 */
final class JsonDocument {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .build();

  /** Jackson quotes the offending token; it may be a mistyped, unquoted secret. */
  private static final Pattern QUOTED_TOKEN = Pattern.compile("(Unrecognized token) '[^']*'");

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<String, Long> positions = new HashMap<>();

  /** Where each path's value starts (character offset), for ordering issues. */
  Map<String, Long> positions() {
    return positions;
  }

  /**
   * Returns the document's root value, or null when the text is not JSON (the one issue saying why
   * is in {@code issues}). Duplicate keys are reported to {@code issues}; the first value is kept.
   */
  JsonNode read(String text, Issues issues) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        issues.error(ConfigPath.ROOT, "the document is empty; expected a JSON object");
        return null;
      }
      JsonNode root = value(p, first, ConfigPath.ROOT, issues);
      if (p.nextToken() != null) {
        JsonLocation at = p.currentTokenLocation();
        issues.error(
            ConfigPath.ROOT,
            "invalid JSON at line "
                + at.getLineNr()
                + ", column "
                + at.getColumnNr()
                + ": unexpected content after the end of the document");
        return null;
      }
      return root;
    } catch (JsonProcessingException e) {
      issues.error(pathOf(e), syntaxMessage(e));
      return null;
    } catch (IOException e) {
      // Reading from a String does no I/O; Jackson declares the exception anyway.
      issues.error(ConfigPath.ROOT, "the document could not be read: " + e.getClass().getName());
      return null;
    }
  }

  private JsonNode value(JsonParser p, JsonToken token, String path, Issues issues)
      throws IOException {
    positions.putIfAbsent(path, p.currentTokenLocation().getCharOffset());
    switch (token) {
      case START_OBJECT:
        return object(p, path, issues);
      case START_ARRAY:
        return array(p, path, issues);
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IllegalStateException("unexpected JSON token " + token);
    }
  }

  private ObjectNode object(JsonParser p, String path, Issues issues) throws IOException {
    ObjectNode node = NODES.objectNode();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonLocation keyAt = p.currentTokenLocation();
      String childPath = ConfigPath.key(path, name);
      boolean duplicate = node.has(name);
      if (duplicate) {
        issues.error(
            childPath,
            "duplicate key \""
                + name
                + "\" at line "
                + keyAt.getLineNr()
                + ", column "
                + keyAt.getColumnNr()
                + "; each key may appear once");
      }
      JsonNode child = value(p, p.nextToken(), childPath, issues);
      if (!duplicate) {
        node.set(name, child);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IllegalStateException("unexpected JSON token " + t);
    }
    return node;
  }

  private ArrayNode array(JsonParser p, String path, Issues issues) throws IOException {
    ArrayNode node = NODES.arrayNode();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      node.add(value(p, t, ConfigPath.index(path, node.size()), issues));
    }
    return node;
  }

  private static String syntaxMessage(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String reason = e.getOriginalMessage();
    reason = reason == null ? "malformed JSON" : QUOTED_TOKEN.matcher(reason).replaceAll("$1");
    int newline = reason.indexOf('\n');
    if (newline >= 0) {
      reason = reason.substring(0, newline);
    }
    if (at == null) {
      return "invalid JSON: " + reason;
    }
    return "invalid JSON at line "
        + at.getLineNr()
        + ", column "
        + at.getColumnNr()
        + ": "
        + reason;
  }

  /** The path the parser was inside when it failed. */
  private static String pathOf(JsonProcessingException e) {
    if (!(e.getProcessor() instanceof JsonParser)) {
      return ConfigPath.ROOT;
    }
    return pathOf(((JsonParser) e.getProcessor()).getParsingContext());
  }

  private static String pathOf(JsonStreamContext ctx) {
    if (ctx == null || ctx.inRoot()) {
      return ConfigPath.ROOT;
    }
    String parent = pathOf(ctx.getParent());
    if (ctx.inArray()) {
      return ConfigPath.index(parent, Math.max(0, ctx.getCurrentIndex()));
    }
    String name = ctx.getCurrentName();
    return name == null ? parent : ConfigPath.key(parent, name);
  }
}
