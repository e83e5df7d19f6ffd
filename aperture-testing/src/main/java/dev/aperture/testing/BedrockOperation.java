package dev.aperture.testing;

import java.util.Optional;

/** The Bedrock Runtime operations the {@link BedrockEmulator} serves, by the path suffix. */
public enum BedrockOperation {
  /** {@code POST /model/{id}/invoke}: the model family's native JSON in and out. */
  INVOKE_MODEL("invoke", false),
  /** {@code POST /model/{id}/invoke-with-response-stream}: native events as {@code chunk}s. */
  INVOKE_MODEL_WITH_RESPONSE_STREAM("invoke-with-response-stream", true),
  /** {@code POST /model/{id}/converse}: Converse JSON in and out. */
  CONVERSE("converse", false),
  /** {@code POST /model/{id}/converse-stream}: Converse events as an event stream. */
  CONVERSE_STREAM("converse-stream", true);

  private final String pathSuffix;
  private final boolean streaming;

  BedrockOperation(String pathSuffix, boolean streaming) {
    this.pathSuffix = pathSuffix;
    this.streaming = streaming;
  }

  /** The last path segment, e.g. {@code converse-stream}. */
  public String pathSuffix() {
    return pathSuffix;
  }

  /** Whether the answer is an {@code application/vnd.amazon.eventstream} body. */
  public boolean isStreaming() {
    return streaming;
  }

  /** Whether the body is a Converse request (rather than a native InvokeModel body). */
  public boolean isConverse() {
    return this == CONVERSE || this == CONVERSE_STREAM;
  }

  /** The operation whose path ends in {@code suffix}, if there is one. */
  public static Optional<BedrockOperation> fromPathSuffix(String suffix) {
    for (BedrockOperation op : values()) {
      if (op.pathSuffix.equals(suffix)) {
        return Optional.of(op);
      }
    }
    return Optional.empty();
  }
}
