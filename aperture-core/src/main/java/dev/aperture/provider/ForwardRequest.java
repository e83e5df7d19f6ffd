package dev.aperture.provider;

import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * A native request to forward byte for byte (native passthrough): the API format it arrived in, the
 * operation ({@code converse-stream}, {@code invoke}, {@code messages}, …), the model when the URL
 * names it, the caller's headers and body.
 *
 * <p>The body is held in memory so that a failed attempt can be retried; responses are streamed.
 * Header names are matched case-insensitively.
 */
@Value.Immutable
public abstract class ForwardRequest {
  /** The format the request arrived in. */
  public abstract ApiFormat format();

  /**
   * The operation: for Bedrock the last path segment ({@code invoke}, {@code
   * invoke-with-response-stream}, {@code converse}, {@code converse-stream}); for Anthropic {@code
   * messages}; for OpenAI {@code chat/completions}.
   */
  public abstract String operation();

  /** The model named in the URL (Bedrock); empty when it is in the body's {@code model} field. */
  public abstract Optional<String> model();

  /** The caller's headers; credentials among them are removed before forwarding. */
  public abstract Map<String, List<String>> headers();

  /** The request body as received. */
  @Value.Redacted
  public abstract byte[] body();

  @Value.Default
  public Identity identity() {
    return Identity.ANONYMOUS;
  }

  /** The first value of header {@code name} (case-insensitive), if present. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> e : headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return Optional.of(e.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  /** Whether the operation streams its answer. */
  public boolean streaming() {
    String op = operation().toLowerCase(Locale.ROOT);
    return op.endsWith("-stream") || op.endsWith("with-response-stream");
  }

  public static ImmutableForwardRequest.Builder builder() {
    return ImmutableForwardRequest.builder();
  }
}
