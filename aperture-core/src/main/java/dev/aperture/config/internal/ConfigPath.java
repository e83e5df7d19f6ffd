package dev.aperture.config.internal;

/**
 * Builds the JSON paths issues are reported at: {@code providers.bedrock-us.cost_basis}, {@code
 * grants[0].app["tailscale.com/cap/aperture"][1].models}. Keys that would make a dotted path
 * ambiguous are written in brackets.
 */
final class ConfigPath {
  /** The document itself. */
  static final String ROOT = "";

  private ConfigPath() {}

  static String key(String parent, String key) {
    if (needsQuoting(key)) {
      return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
    return parent.isEmpty() ? key : parent + "." + key;
  }

  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** Whether {@code path} is {@code ancestor} or lies inside it. */
  static boolean isWithin(String path, String ancestor) {
    if (!path.startsWith(ancestor)) {
      return false;
    }
    if (path.length() == ancestor.length() || ancestor.isEmpty()) {
      return true;
    }
    char next = path.charAt(ancestor.length());
    return next == '.' || next == '[';
  }

  private static boolean needsQuoting(String key) {
    if (key.isEmpty()) {
      return true;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '.' || c == '[' || c == ']' || c == '"' || c == '\\' || Character.isWhitespace(c)) {
        return true;
      }
    }
    return false;
  }
}
