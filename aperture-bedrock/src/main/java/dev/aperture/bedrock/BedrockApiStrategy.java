package dev.aperture.bedrock;

import dev.aperture.ApiFormat;
import dev.aperture.config.ProviderConfig;
import dev.aperture.route.RoutingException;

/**
 * Picks the Bedrock API for a unified {@code chat()} call. The default: Anthropic models use
 * InvokeModel when {@code bedrock_model_invoke} is enabled (fullest Claude fidelity: cache control,
 * thinking, betas), otherwise Converse; other models use Converse. A model the enabled APIs cannot
 * serve is a {@link RoutingException}. Replace it on {@link BedrockProviderFactory}.
 *
 * <p>A strategy answers once per model and configuration: the router remembers each model's route
 * until the configuration is reloaded, so the answer must depend only on the provider's
 * configuration and the model (not on time, load or health).
 */
@FunctionalInterface
public interface BedrockApiStrategy {
  /** The default policy described above. */
  BedrockApiStrategy DEFAULT =
      (provider, model) -> {
        boolean invoke = provider.supports(ApiFormat.BEDROCK_MODEL_INVOKE);
        boolean converse = provider.supports(ApiFormat.BEDROCK_CONVERSE);
        if (model.isAnthropic() && invoke) {
          return ApiFormat.BEDROCK_MODEL_INVOKE;
        }
        if (converse) {
          return ApiFormat.BEDROCK_CONVERSE;
        }
        throw new RoutingException(
            RoutingException.Reason.FORMAT_NOT_ENABLED,
            model.raw(),
            "provider '"
                + provider.id()
                + "' enables only bedrock_model_invoke, which this library speaks for Anthropic"
                + " models only; enable bedrock_converse to call '"
                + model.raw()
                + "'");
      };

  /** Returns {@link ApiFormat#BEDROCK_MODEL_INVOKE} or {@link ApiFormat#BEDROCK_CONVERSE}. */
  ApiFormat choose(ProviderConfig provider, BedrockModelId model);
}
