package dev.aperture.openai;

import dev.aperture.ApertureException;
import java.util.Objects;
import java.util.Optional;

/**
 * An OpenAI chat-completions request was malformed or asked for something this library cannot
 * honour. Always an HTTP 400. The message starts with the offending field's path (e.g. {@code
 * messages[2].content[0].type: ...}); {@link #param()} and {@link #code()} are what an OpenAI error
 * envelope carries in {@code param} and {@code code}.
 *
 * <p>Codes used by this package: {@code invalid_json}, {@code missing_required_parameter}, {@code
 * invalid_type}, {@code invalid_value}, {@code unknown_parameter}, {@code unsupported_parameter},
 * {@code unsupported_value}, {@code unsupported_content}.
 */
public class OpenAiRequestException extends ApertureException {
  private static final long serialVersionUID = 1L;

  static final String INVALID_JSON = "invalid_json";
  static final String MISSING = "missing_required_parameter";
  static final String INVALID_TYPE = "invalid_type";
  static final String INVALID_VALUE = "invalid_value";
  static final String UNKNOWN_PARAMETER = "unknown_parameter";
  static final String UNSUPPORTED_PARAMETER = "unsupported_parameter";
  static final String UNSUPPORTED_VALUE = "unsupported_value";
  static final String UNSUPPORTED_CONTENT = "unsupported_content";

  private final String param;
  private final String code;

  /**
   * @param param the offending field's path, e.g. {@code messages[0].content}; null when the
   *     problem is not in one field (malformed JSON)
   * @param code a short machine-readable reason, e.g. {@code unsupported_parameter}
   * @param detail what is wrong, in a sentence that does not repeat the path
   */
  public OpenAiRequestException(String param, String code, String detail) {
    this(param, code, detail, null);
  }

  public OpenAiRequestException(String param, String code, String detail, Throwable cause) {
    super(param == null ? detail : param + ": " + detail, cause);
    this.param = param;
    this.code = Objects.requireNonNull(code, "code");
  }

  /** The path of the offending field, e.g. {@code messages[2].content[0].type}. */
  public Optional<String> param() {
    return Optional.ofNullable(param);
  }

  /** A short machine-readable reason, e.g. {@code unsupported_parameter}. */
  public String code() {
    return code;
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
