package dev.aperture.route;

import dev.aperture.ApiFormat;
import dev.aperture.access.Identity;
import dev.aperture.chat.ChatRequest;
import dev.aperture.chat.ChatResponse;
import dev.aperture.chat.ChatStream;
import dev.aperture.config.ApertureConfig;
import dev.aperture.config.ConfigException;
import dev.aperture.provider.ForwardRequest;
import dev.aperture.provider.ForwardResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Routes requests to providers by model name, the way the Aperture gateway does, and makes the
 * calls. Built from an {@link ApertureConfig} with {@link #builder(ApertureConfig)}.
 *
 * <p>Thread-safe. The router holds an immutable snapshot of its configuration; lookups read it
 * without locking, and {@link #reload(ApertureConfig)} swaps in a new one atomically: calls in
 * flight finish on the old snapshot, new calls see the new one (this is how credentials rotate with
 * no failed request).
 */
public interface ModelRouter extends AutoCloseable {

  /** A builder for a router over {@code config}. */
  static ModelRouterBuilder builder(ApertureConfig config) {
    return new ModelRouterBuilder(config);
  }

  /**
   * Resolves {@code model} for a unified call ({@link #chat}, {@link #stream}): the provider is the
   * highest-preference enabled one that serves the model (ties: the provider id that sorts first),
   * and the upstream API is the one that provider picks. {@code provider/model} selects the
   * provider explicitly.
   *
   * @throws RoutingException if no provider can serve the model
   */
  Route route(String model);

  /**
   * Resolves {@code model} for a request arriving in {@code format} (native passthrough): only
   * providers that enable {@code format} are candidates, and the upstream API is {@code format}.
   *
   * @throws RoutingException if the model is unknown or no provider serving it enables the format
   */
  Route route(String model, ApiFormat format);

  /** Every model of every enabled provider, in configuration order. */
  List<ModelInfo> models();

  /**
   * The models {@code identity} is granted, in configuration order (all when no grants are
   * declared).
   */
  List<ModelInfo> models(Identity identity);

  /**
   * Translates {@code request} for the provider that serves its model, sends it with the provider's
   * credential, and returns the answer with usage and cost. Every dispatched call, failed or not,
   * produces one usage record.
   *
   * <p>Before dispatch the caller ({@link ChatRequest#identity()}) must be granted the model (an
   * {@link dev.aperture.access.AccessDeniedException} otherwise), every quota bucket its grants
   * charge must be positive ({@link dev.aperture.access.QuotaExceededException}), and the request
   * interceptors must allow it; a refused request never reaches the provider. The cost is debited
   * from the buckets afterwards.
   */
  ChatResponse chat(ChatRequest request);

  /**
   * As {@link #chat}, run on {@code executor}: the blocking call (and any retry backoff) occupies
   * one of the caller's threads, never one of OkHttp's dispatcher threads, so callbacks chained on
   * the future may block without starving the connection pool. The future fails with the same
   * exceptions {@link #chat} throws.
   */
  default CompletableFuture<ChatResponse> chatAsync(ChatRequest request, Executor executor) {
    return CompletableFuture.supplyAsync(() -> chat(request), executor);
  }

  /**
   * As {@link #chat}, but streams the answer. The final {@link dev.aperture.chat.ChatEvent.Finish}
   * carries usage and cost. The caller must close the stream (try-with-resources); closing early
   * cancels the upstream call.
   */
  ChatStream stream(ChatRequest request);

  /**
   * Forwards a native request (passthrough) to the provider that serves its model: the caller's
   * credentials are replaced by the provider's, the body is passed on byte for byte (or rewritten
   * when the provider speaks the format only through translation, e.g. Anthropic Messages to
   * Bedrock InvokeModel), and the answer is streamed back unchanged while its usage is read on the
   * side into a usage record. The caller must close the response.
   *
   * @throws RoutingException if the model is unknown or no provider serving it can take the format
   */
  ForwardResponse forward(ForwardRequest request);

  /**
   * Replaces the configuration atomically. A configuration that cannot be used (e.g. one whose
   * provider cannot be built) is refused with a {@link ConfigException} and the current one keeps
   * running.
   */
  void reload(ApertureConfig config);

  /** The configuration in force. */
  ApertureConfig config();

  /** Releases nothing shared with the caller: a client handed in on the builder stays open. */
  @Override
  void close();
}
