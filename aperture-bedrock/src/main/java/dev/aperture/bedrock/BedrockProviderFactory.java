package dev.aperture.bedrock;

import dev.aperture.ApiFormat;
import dev.aperture.bedrock.codec.AnthropicInvokeCodec;
import dev.aperture.bedrock.codec.ConverseCodec;
import dev.aperture.config.ProviderConfig;
import dev.aperture.provider.Provider;
import dev.aperture.provider.ProviderContext;
import dev.aperture.provider.ProviderFactory;
import java.util.Objects;

/**
 * Makes a {@link BedrockProvider} for every configured provider whose compatibility flags include
 * {@code bedrock_model_invoke} or {@code bedrock_converse}; answers null for any other, so the next
 * factory can take it. Also registered for {@link java.util.ServiceLoader} discovery.
 */
public final class BedrockProviderFactory implements ProviderFactory {
  private final BedrockApiStrategy strategy;
  private final int defaultMaxTokens;

  /** For {@link java.util.ServiceLoader}; prefer {@link #create()}. */
  public BedrockProviderFactory() {
    this(BedrockApiStrategy.DEFAULT, AnthropicInvokeCodec.DEFAULT_MAX_TOKENS);
  }

  private BedrockProviderFactory(BedrockApiStrategy strategy, int defaultMaxTokens) {
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    if (defaultMaxTokens <= 0) {
      throw new IllegalArgumentException("defaultMaxTokens must be positive");
    }
    this.defaultMaxTokens = defaultMaxTokens;
  }

  /**
   * The default factory: {@link BedrockApiStrategy#DEFAULT}, 4096 max tokens for Claude when unset.
   */
  public static BedrockProviderFactory create() {
    return new BedrockProviderFactory();
  }

  /** A factory that picks the Bedrock API with {@code strategy}. */
  public BedrockProviderFactory withApiStrategy(BedrockApiStrategy strategy) {
    return new BedrockProviderFactory(strategy, defaultMaxTokens);
  }

  /** A factory whose InvokeModel requests default to {@code maxTokens} when a request sets none. */
  public BedrockProviderFactory withDefaultMaxTokens(int maxTokens) {
    return new BedrockProviderFactory(strategy, maxTokens);
  }

  @Override
  public Provider create(ProviderConfig config, ProviderContext context) {
    if (!config.supports(ApiFormat.BEDROCK_MODEL_INVOKE)
        && !config.supports(ApiFormat.BEDROCK_CONVERSE)) {
      return null;
    }
    return new BedrockProvider(
        config,
        // Retries are ours alone (RetryPolicy): OkHttp's own would silently resend a 408
        // ModelTimeoutException, paying for the model twice, and resend after stale connections.
        context.httpClient().newBuilder().retryOnConnectionFailure(false).build(),
        context.retryPolicy(),
        strategy,
        new ConverseCodec(),
        new AnthropicInvokeCodec(defaultMaxTokens));
  }
}
