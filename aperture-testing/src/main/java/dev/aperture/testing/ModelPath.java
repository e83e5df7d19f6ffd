package dev.aperture.testing;

import dev.aperture.bedrock.BedrockModelId;
import dev.aperture.bedrock.InvalidModelIdException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The request target split as Bedrock routes it: {@code BASE/model/{modelId}/{operation}}, with the
 * model id checked as one percent-encoded path segment. Works on the raw target, never on a decoded
 * path, so an unencoded {@code :} or {@code /} and a double encoding are seen for what they are.
 */
final class ModelPath {
  static final String INVALID_MODEL_ID = "The provided model identifier is invalid.";

  final BedrockOperation operation;
  final String rawModelId;
  final String modelId;
  final BedrockModelId parsedId;
  final Refusal refusal;

  private ModelPath(
      BedrockOperation operation,
      String rawModelId,
      String modelId,
      BedrockModelId parsedId,
      Refusal refusal) {
    this.operation = operation;
    this.rawModelId = rawModelId;
    this.modelId = modelId;
    this.parsedId = parsedId;
    this.refusal = refusal;
  }

  /** Routes {@code method target} under {@code basePath} (empty or {@code /x}, no trailing /). */
  static ModelPath route(String method, String target, String basePath) {
    String path = pathOf(target);
    String prefix = basePath + "/model/";
    if (!path.startsWith(prefix)) {
      return unknownOperation(null, null, null);
    }
    String rest = path.substring(prefix.length());
    int slash = rest.lastIndexOf('/');
    if (slash <= 0) {
      return unknownOperation(null, null, null);
    }
    BedrockOperation operation =
        BedrockOperation.fromPathSuffix(rest.substring(slash + 1)).orElse(null);
    String raw = rest.substring(0, slash);
    String decoded = decodeSegment(raw);
    if (operation == null || !"POST".equals(method)) {
      return unknownOperation(operation, raw, decoded);
    }
    if (decoded == null || decoded.indexOf('%') >= 0) {
      // Unencoded ':' or '/', stray characters, bad escapes, or an id encoded twice.
      return new ModelPath(operation, raw, decoded, null, Refusal.validation(INVALID_MODEL_ID));
    }
    try {
      return new ModelPath(operation, raw, decoded, BedrockModelId.parse(decoded), null);
    } catch (InvalidModelIdException e) {
      return new ModelPath(operation, raw, decoded, null, Refusal.validation(INVALID_MODEL_ID));
    }
  }

  private static ModelPath unknownOperation(
      BedrockOperation operation, String raw, String decoded) {
    return new ModelPath(
        operation,
        raw,
        decoded,
        null,
        new Refusal(404, "UnknownOperationException", "Unknown operation", false));
  }

  /** The path part of an origin-form or absolute-form target, query removed. */
  private static String pathOf(String target) {
    String path = target;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (!path.startsWith("/")) {
      int scheme = path.indexOf("://");
      int start = scheme < 0 ? -1 : path.indexOf('/', scheme + 3);
      path = start < 0 ? "/" : path.substring(start);
    }
    return path;
  }

  /**
   * The segment decoded once, or null if it is not one validly percent-encoded segment: only {@code
   * A-Z a-z 0-9 - . _ ~} may appear unencoded, every {@code %} must start two hex digits, and the
   * bytes must be UTF-8.
   */
  static String decodeSegment(String raw) {
    if (raw.isEmpty()) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi << 4 | lo);
        i += 2;
      } else if (isUnreserved(c)) {
        bytes.write(c);
      } else {
        return null;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean isUnreserved(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }
}
