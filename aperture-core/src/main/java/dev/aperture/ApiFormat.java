package dev.aperture;

import java.util.Locale;
import java.util.Optional;

/**
 * An API wire format, named as in the gateway configuration's {@code compatibility} section. A
 * provider enables the formats it speaks; a request arrives in one of them.
 */
public enum ApiFormat {
  OPENAI_CHAT("openai_chat"),
  OPENAI_RESPONSES("openai_responses"),
  ANTHROPIC_MESSAGES("anthropic_messages"),
  GEMINI_GENERATE_CONTENT("gemini_generate_content"),
  GOOGLE_GENERATE_CONTENT("google_generate_content"),
  GOOGLE_RAW_PREDICT("google_raw_predict"),
  BEDROCK_MODEL_INVOKE("bedrock_model_invoke"),
  BEDROCK_CONVERSE("bedrock_converse");

  private final String configKey;

  ApiFormat(String configKey) {
    this.configKey = configKey;
  }

  /** The flag's name in the configuration, e.g. {@code bedrock_converse}. */
  public String configKey() {
    return configKey;
  }

  /** The format whose configuration key is {@code key}, if there is one. */
  public static Optional<ApiFormat> fromConfigKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (ApiFormat f : values()) {
      if (f.configKey.equals(k)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return configKey;
  }
}
