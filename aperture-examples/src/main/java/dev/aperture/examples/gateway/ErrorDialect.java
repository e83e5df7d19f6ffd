package dev.aperture.examples.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aperture.bedrock.codec.AnthropicPassthrough;
import dev.aperture.openai.OpenAiChatCodec;

/**
 * The error format of each API the gateway speaks. A caller gets its failures in the shape its own
 * client library parses:
 *
 * <ul>
 *   <li>OpenAI: {@code {"error": {"message", "type", "param", "code"}}}; a quota refusal has code
 *       {@code insufficient_quota}.
 *   <li>Anthropic: {@code {"type": "error", "error": {"type", "message"}}} with Anthropic's types.
 *   <li>Bedrock: header {@code x-amzn-ErrorType: <Type>} and {@code {"message"}}; a provider's own
 *       error type is kept.
 * </ul>
 *
 * A 429 carries {@code Retry-After} when the gateway knows when to retry.
 */
enum ErrorDialect {
  OPENAI {
    @Override
    ErrorBody render(GatewayError e) {
      String type = e.quota() ? "insufficient_quota" : null;
      return ErrorBody.json(
          CODEC.encodeError(e.status(), type, e.openAiCode(), e.message(), e.param()));
    }
  },

  ANTHROPIC {
    @Override
    ErrorBody render(GatewayError e) {
      ObjectNode root = GatewayJson.MAPPER.createObjectNode();
      root.put("type", "error");
      ObjectNode error = root.putObject("error");
      error.put("type", anthropicType(e.status()));
      error.put("message", e.message());
      return ErrorBody.json(GatewayJson.bytes(root));
    }
  },

  BEDROCK {
    @Override
    ErrorBody render(GatewayError e) {
      ObjectNode root = GatewayJson.MAPPER.createObjectNode();
      root.put("message", e.message());
      String type = e.upstreamType() != null ? e.upstreamType() : bedrockType(e.status());
      return ErrorBody.json(GatewayJson.bytes(root)).withHeader("x-amzn-ErrorType", type);
    }
  };

  private static final OpenAiChatCodec CODEC = OpenAiChatCodec.create();

  /**
   * The body (and any extra headers) for {@code error}; status and Retry-After are the caller's.
   */
  abstract ErrorBody render(GatewayError error);

  /** Anthropic's error type for an HTTP status (one mapping, shared with the passthrough). */
  static String anthropicType(int status) {
    return AnthropicPassthrough.errorType(status);
  }

  /** Bedrock's error type (the {@code x-amzn-ErrorType} name) for an HTTP status. */
  static String bedrockType(int status) {
    switch (status) {
      case 403:
        return "AccessDeniedException";
      case 404:
        return "ResourceNotFoundException";
      case 408:
        return "ModelTimeoutException";
      case 429:
        return "ThrottlingException";
      case 503:
        return "ServiceUnavailableException";
      default:
        return status >= 500 ? "InternalServerException" : "ValidationException";
    }
  }
}
