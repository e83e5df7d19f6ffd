package dev.aperture.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in every string value of the tree (not in keys) with the lookup's value
 * for {@code NAME}. Replacements are not expanded again. A name the lookup does not know is an
 * error naming the macro and where it is; the text around it is never quoted, and the values found
 * are remembered so that no message can repeat them.
 */
final class Macros {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Function<String, String> lookup;
  private final Issues issues;
  private final Set<String> resolvedValues = new LinkedHashSet<>();

  Macros(Function<String, String> lookup, Issues issues) {
    this.lookup = lookup;
    this.issues = issues;
  }

  /** Every value a macro was replaced with; these must not appear in any message. */
  Set<String> resolvedValues() {
    return resolvedValues;
  }

  /** Expands macros in place throughout {@code node}. */
  void expandAll(JsonNode node, String path) {
    if (node instanceof ObjectNode) {
      ObjectNode object = (ObjectNode) node;
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(object.properties());
      for (Map.Entry<String, JsonNode> e : entries) {
        String childPath = ConfigPath.key(path, e.getKey());
        JsonNode child = e.getValue();
        if (child.isTextual()) {
          object.set(e.getKey(), expand(child, childPath));
        } else {
          expandAll(child, childPath);
        }
      }
    } else if (node instanceof ArrayNode) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        JsonNode child = array.get(i);
        String childPath = ConfigPath.index(path, i);
        if (child.isTextual()) {
          array.set(i, expand(child, childPath));
        } else {
          expandAll(child, childPath);
        }
      }
    }
  }

  private JsonNode expand(JsonNode text, String path) {
    String s = text.textValue();
    int start = s.indexOf("${");
    if (start < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(s.length());
    int from = 0;
    boolean failed = false;
    while (start >= 0) {
      int end = s.indexOf('}', start + 2);
      if (end < 0) {
        break; // "${" with no closing brace is ordinary text
      }
      out.append(s, from, start);
      String name = s.substring(start + 2, end);
      if (!NAME.matcher(name).matches()) {
        issues.error(
            path,
            "malformed macro: the text between \"${\" and \"}\" must be a variable name"
                + " (letters, digits and '_', not starting with a digit)");
        failed = true;
      } else {
        String value = lookup.apply(name);
        if (value == null) {
          issues.error(
              path, "macro ${" + name + "} is not defined (no environment variable " + name + ")");
          failed = true;
        } else {
          out.append(value);
          resolvedValues.add(value);
        }
      }
      from = end + 1;
      start = s.indexOf("${", from);
    }
    out.append(s, from, s.length());
    if (failed) {
      // One issue per mistake: whatever else would be said about this value is noise.
      issues.silence(path);
      return text;
    }
    return TextNode.valueOf(out.toString());
  }
}
