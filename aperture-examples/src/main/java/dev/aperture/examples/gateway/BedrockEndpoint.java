package dev.aperture.examples.gateway;

import com.sun.net.httpserver.HttpExchange;
import dev.aperture.ApertureException;
import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import dev.aperture.route.ModelRouter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /bedrock/model/{modelId}/{operation}}: Bedrock Runtime's own API, so that Bedrock
 * clients (Claude Code with {@code ANTHROPIC_BEDROCK_BASE_URL=http://HOST:PORT/bedrock}, AWS SDKs
 * with an endpoint override) can use the gateway. Operations {@code invoke} and {@code
 * invoke-with-response-stream} are InvokeModel, {@code converse} and {@code converse-stream}
 * Converse; the request is forwarded byte for byte and the answer (JSON or AWS event stream)
 * relayed unchanged. The model id is the path segment percent-decoded exactly once. Failures carry
 * {@code x-amzn-ErrorType} and {@code {"message"}}; a provider that does not enable the format
 * gives 404.
 */
final class BedrockEndpoint extends Endpoint {
  static final String PREFIX = "/bedrock/";
  private static final String MODEL_PATH = PREFIX + "model/";

  private final ForwardRelay relay;

  BedrockEndpoint(ModelRouter router, CallerIdentity callers, GatewayConsole console) {
    super(PREFIX, "POST", ErrorDialect.BEDROCK, router, callers, console);
    this.relay = new ForwardRelay(router, callers);
  }

  @Override
  void serve(HttpExchange exchange, Identity caller) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String rest = path.startsWith(MODEL_PATH) ? path.substring(MODEL_PATH.length()) : "";
    int slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
      throw new NotFoundException(
          "unknown operation: expected /bedrock/model/{modelId}/{operation}, got " + path);
    }
    String operation = rest.substring(slash + 1);
    ApiFormat format = format(operation);
    String model = decodeSegment(rest.substring(0, slash));
    relay.relay(exchange, caller, format, operation, model, body(exchange));
  }

  private static ApiFormat format(String operation) {
    switch (operation) {
      case "invoke":
      case "invoke-with-response-stream":
        return ApiFormat.BEDROCK_MODEL_INVOKE;
      case "converse":
      case "converse-stream":
        return ApiFormat.BEDROCK_CONVERSE;
      default:
        throw new NotFoundException("unknown operation: " + operation);
    }
  }

  /**
   * Decodes {@code %XX} escapes of one path segment, once: {@code %3A} becomes {@code :}, {@code
   * %2F} becomes {@code /}, {@code %253A} becomes {@code %3A} (not {@code :}); {@code +} stays a
   * plus. The bytes must be UTF-8.
   *
   * @throws BadRequestException for a malformed escape or bytes that are not UTF-8
   */
  static String decodeSegment(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
      int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
      if (lo < 0) {
        throw new BadRequestException("the model id in the path has a malformed escape: " + raw);
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("the model id in the path is not UTF-8: " + raw);
    }
  }

  /** A path the Bedrock API does not have. HTTP 404. */
  static final class NotFoundException extends ApertureException {
    private static final long serialVersionUID = 1L;

    NotFoundException(String message) {
      super(message);
    }

    @Override
    public int httpStatus() {
      return 404;
    }
  }

  /** A request the gateway cannot read. HTTP 400. */
  static final class BadRequestException extends ApertureException {
    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
      super(message);
    }

    @Override
    public int httpStatus() {
      return 400;
    }
  }
}
