package dev.aperture.internal;

import java.util.Collection;

/** Removes credentials from text before it reaches a message, a log line or a response. */
public final class Secrets {
  /** What a removed credential is replaced with. */
  public static final String MASK = "****";

  private Secrets() {}

  /**
   * Returns {@code text} with every occurrence of each secret replaced by {@link #MASK}. Secrets
   * shorter than 4 characters are ignored (they would mangle ordinary text and are not real keys).
   */
  public static String redact(String text, Collection<String> secrets) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : secrets) {
      if (s != null && s.length() >= 4 && out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    return out;
  }

  /** Returns {@code text} with {@code secret} replaced by {@link #MASK}. */
  public static String redact(String text, String secret) {
    return redact(text, secret == null ? java.util.List.of() : java.util.List.of(secret));
  }
}
