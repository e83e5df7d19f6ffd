package dev.aperture.access;

import dev.aperture.chat.ChatRequest;
import dev.aperture.usage.UsageRecord;

/**
 * Inspects each request before it is dispatched and may allow, block or rewrite it (the gateway's
 * pre-request hooks and guardrails). Register interceptors in order; {@link InterceptorChain} runs
 * them.
 *
 * <p>Contract: {@link #before} runs on the calling thread and delays the call by as long as it
 * takes; it may block on I/O (a webhook) but should bound how long. An exception it throws fails
 * the call and reaches the caller. Implementations are thread-safe: one instance serves every call.
 */
public interface RequestInterceptor {
  /** Decides about {@code request}, which earlier interceptors may already have modified. */
  InterceptDecision before(InterceptContext context, ChatRequest request);

  /**
   * Called with the usage record after a call this interceptor let through has finished,
   * successfully or not. Same contract as {@link dev.aperture.usage.UsageListener}: be fast, do not
   * call back into the router; an exception thrown here is logged and ignored.
   */
  default void after(UsageRecord record) {}
}
