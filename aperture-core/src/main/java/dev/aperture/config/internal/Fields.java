package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of an object's fields that report a wrong JSON type as an error at the field's path
 * and answer null (so reading goes on and every error is found). A JSON {@code null} counts as
 * absent, as it does for the gateway's own (Go) decoder. Messages name types, never values.
 */
final class Fields {
  private final Issues issues;

  Fields(Issues issues) {
    this.issues = issues;
  }

  /** The field's value, or null when it is absent or JSON {@code null}. */
  static JsonNode get(JsonNode object, String field) {
    JsonNode n = object.get(field);
    return n == null || n.isNull() ? null : n;
  }

  String string(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      typeError(path, field, "a string", n);
      return null;
    }
    return n.textValue();
  }

  Boolean bool(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isBoolean()) {
      typeError(path, field, "true or false", n);
      return null;
    }
    return n.booleanValue();
  }

  Integer integer(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      typeError(path, field, "a whole number (32-bit)", n);
      return null;
    }
    return n.intValue();
  }

  Double number(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isNumber()) {
      typeError(path, field, "a number", n);
      return null;
    }
    return n.doubleValue();
  }

  ObjectNode object(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isObject()) {
      typeError(path, field, "an object", n);
      return null;
    }
    return (ObjectNode) n;
  }

  ArrayNode array(JsonNode object, String field, String path) {
    JsonNode n = get(object, field);
    if (n == null) {
      return null;
    }
    if (!n.isArray()) {
      typeError(path, field, "an array", n);
      return null;
    }
    return (ArrayNode) n;
  }

  /** {@link #string}; when the field is absent, the error {@code whenMissing}. */
  String requiredString(JsonNode object, String field, String path, String whenMissing) {
    if (get(object, field) == null) {
      issues.error(path, whenMissing);
      return null;
    }
    return string(object, field, path);
  }

  /** {@link #array}; when the field is absent, the error {@code whenMissing}. */
  ArrayNode requiredArray(JsonNode object, String field, String path, String whenMissing) {
    if (get(object, field) == null) {
      issues.error(path, whenMissing);
      return null;
    }
    return array(object, field, path);
  }

  /** {@link #object}; when the field is absent, the error {@code whenMissing}. */
  ObjectNode requiredObject(JsonNode object, String field, String path, String whenMissing) {
    if (get(object, field) == null) {
      issues.error(path, whenMissing);
      return null;
    }
    return object(object, field, path);
  }

  /** Warns about each field of {@code object} not in {@code known}. */
  void warnUnknown(ObjectNode object, Set<String> known, String path, String what) {
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (!known.contains(e.getKey())) {
        issues.warning(
            ConfigPath.key(path, e.getKey()),
            "unknown " + what + " field \"" + e.getKey() + "\" is ignored");
      }
    }
  }

  /** Reports {@code actual} where {@code expected} was needed. */
  void typeError(String path, String what, String expected, JsonNode actual) {
    issues.error(path, what + " must be " + expected + ", not " + typeName(actual));
  }

  static String typeName(JsonNode n) {
    if (n == null || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isBoolean()) {
      return "a boolean";
    }
    if (n.isIntegralNumber()) {
      return "a whole number";
    }
    if (n.isNumber()) {
      return "a decimal number";
    }
    if (n.isArray()) {
      return "an array";
    }
    if (n.isObject()) {
      return "an object";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
